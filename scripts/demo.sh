#!/usr/bin/env bash
# The README's first command (`sudo npm run demo`): installs what is missing, builds the tiny
# image, then in a sandbox (private network namespace and libvirtd; nothing reaches the host)
# brings the seed lab up, verifies it against a simulated outside host, breaks a guest's network,
# resets the lab to the checkpoint `up` took, verifies again, and takes it down.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" != 0 ]; then
	echo "demo: run as root (sudo npm run demo): it starts a private libvirtd in a network namespace" >&2
	exit 2
fi
bash scripts/bootstrap.sh
exec bash scripts/sandbox.sh -- bash scripts/demo-inside.sh "$@"
