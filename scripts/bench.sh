#!/usr/bin/env bash
# `npm run bench`: vlab up/down timings for 1 and 3 guests against a plain-virsh baseline
# measured in the same run, inside a sandbox (root).
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it uses a private libvirtd in a sandbox)" >&2; exit 2; }
bash vm-images/tiny/build.sh >/dev/null
exec bash scripts/sandbox.sh -- node --import tsx scripts/bench.ts "$@"
