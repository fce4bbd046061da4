#!/usr/bin/env bash
# Runs inside scripts/sandbox.sh: the demo proper.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=sandbox-lib.sh
source scripts/sandbox-lib.sh
lab=${1:-examples/seed.yaml}
vlab() { echo; echo "\$ vlab $*"; node bin/vlab.js "$@"; }

sandbox_outside_up # 198.18.0.2 plays the Internet; it answers only MASQUERADEd traffic
sandbox_snapshot /run/demo-before.txt

vlab -f "$lab" plan
vlab -f "$lab" up
vlab -f "$lab" status
set +e
vlab -f "$lab" verify --junit /run/demo-junit.xml
verify_rc=$?
set -e
# An experiment that breaks a guest's network, then back to the checkpoint `up` took, and verify again.
guest=$(node bin/vlab.js -f "$lab" status --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).guests[0].name))')
vlab -f "$lab" exec "$guest" -- ip link set eth0 down
vlab -f "$lab" reset
set +e
vlab -f "$lab" verify
[ $? = 0 ] || verify_rc=1
set -e
vlab -f "$lab" down

sandbox_snapshot /run/demo-after.txt
echo
if diff -u /run/demo-before.txt /run/demo-after.txt; then
	echo "demo: host state after down is identical to before up (links, addresses, routes, iptables, ip_forward, libvirt, state dir)"
else
	echo "demo: host state differs after down (see diff above)" >&2
	exit 3
fi
exit $verify_rc
