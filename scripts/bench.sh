#!/usr/bin/env bash
# `npm run bench`: inside a sandbox (root): vlab up/down timings for 1 and 3 guests against a
# plain-virsh baseline, then vlab verify wall time for 2 and 4 guests against one exec per ping.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it uses a private libvirtd in a sandbox)" >&2; exit 2; }
bash vm-images/tiny/build.sh >/dev/null
exec bash scripts/sandbox.sh -- bash -c 'source scripts/sandbox-lib.sh && sandbox_outside_up && node --import tsx scripts/bench.ts && node --import tsx scripts/bench-verify.ts 2,4 agent,ssh'
