#!/usr/bin/env bash
# The README's first command (`sudo npm run demo`): installs what is missing, builds the tiny
# image, then runs the product on its built-in defaults: `vlab test` of the seed lab, sealed in
# a sandbox (private network, mount and PID namespaces and libvirtd; nothing reaches the host):
# up, verify against a simulated outside host, down. Extra arguments go to `vlab test`
# (e.g. --junit FILE, --artifacts DIR, --shell).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (sudo npm run demo): it starts a private libvirtd in a network namespace" >&2
	exit 2
fi
bash scripts/bootstrap.sh
exec node bin/vlab.js test "$@"
