#!/usr/bin/env bash
# `npm run bench` (root): inside a sandbox, the seed lab built with plain virsh + guestfish against
# `vlab up` (default guest-disk path and VLAB_GUEST_DISKS=libguestfs), the guests' own
# boot-to-ready, the "Guest configuration" phase for 2 and BENCH_MANY (10) guests, CLI start-up
# against `node -e 0`, and `virsh define` (scripts/bench.ts). See docs/bench.md.
#
#   BENCH_ROUNDS=N        repeat the seed comparison N times (default 1); medians are printed
#   BENCH_CLI_RUNS=N      runs per CLI command (default 10)
#   BENCH_DEBIAN=1        also a 2-guest Debian lab (DEBIAN_OUT, BENCH_DEBIAN_VARIANT=networkd)
#   BENCH_DEFINE_BEFORE=1 first, `virsh define` in a sandbox WITHOUT the private /dev/kvm node
#   BENCH_VERIFY=1        also scripts/bench-verify.ts (vlab verify against one exec per ping)
#   BENCH_MULTI=1         also scripts/bench-multi-host.ts (the two-host example lab across two
#                         hosts of the test bed against the same lab on one host; BENCH_MULTI_ROUNDS=3)
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "bench: run as root (it uses a private libvirtd in a sandbox)" >&2; exit 2; }
bash vm-images/tiny/build.sh >/dev/null
# The figures are for the compiled CLI users run (bin/vlab.js falls back to tsx when dist/ is stale).
npm run build --silent
if [ "${BENCH_DEFINE_BEFORE:-0}" = 1 ]; then
	echo "== virsh define without the sandbox's private /dev/kvm node (VLAB_SANDBOX_KVM_NODE=0)"
	VLAB_SANDBOX_KVM_NODE=0 bash scripts/sandbox.sh -- node --import tsx scripts/bench-define.ts 5 out/bench/define-without-node.json
	echo
fi
bash scripts/sandbox.sh -- node --import tsx scripts/bench.ts
if [ "${BENCH_VERIFY:-0}" = 1 ]; then
	bash scripts/sandbox.sh -- bash -c 'source scripts/sandbox-lib.sh && sandbox_outside_up && node --import tsx scripts/bench-verify.ts 2,4 agent,ssh'
fi
if [ "${BENCH_MULTI:-0}" = 1 ]; then
	bash scripts/sandbox.sh -- bash -c 'source sandbox/sandbox-lib.sh && sandbox_peer_up >/dev/null && node --import tsx scripts/bench-multi-host.ts "${BENCH_MULTI_ROUNDS:-3}"'
fi
