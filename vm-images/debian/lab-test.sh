#!/usr/bin/env bash
# End-to-end check of vlab with a Debian image: two guests of VARIANT on a NAT
# network, `vlab up`, `vlab verify`, `vlab down`. Run it INSIDE the sandbox:
#
#   bash scripts/sandbox.sh -- bash vm-images/debian/lab-test.sh VARIANT
#
# The image folder is copied under $VLAB_STATE_DIR first (libvirt chowns the
# backing files of running guests and does not give them back). The outside
# world is the sandbox's simulated host 198.18.0.2 (scripts/sandbox-lib.sh).
# Exit status: that of the first failing vlab command (down always runs).
# LAB_TEST_PROBE='shell command': also run it in both guests (vlab exec) after verify.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
[ "${VLAB_SANDBOX:-}" = 1 ] || { echo "lab-test: run me inside scripts/sandbox.sh" >&2; exit 2; }
v=${1:?usage: lab-test.sh VARIANT [TIMEOUT]}
timeout=${2:-600}
img=$here/out/$v
[ -f "$img/image.yaml" ] || { echo "lab-test: $img/image.yaml missing: build $v first" >&2; exit 1; }
# shellcheck source=../../scripts/sandbox-lib.sh
source "$repo/scripts/sandbox-lib.sh"
sandbox_outside_up

state=${VLAB_STATE_DIR:-/var/lib/vlab}
dir=$(mktemp -d "$state/lab-$v.XXXX")
chmod 755 "$dir"
mkdir "$dir/image"
chmod 755 "$dir/image"
for f in "$img"/image.yaml "$img"/disk.qcow2 "$img"/vmlinux "$img"/vmlinuz "$img"/initrd.img; do
	[ -f "$f" ] && cp "$f" "$dir/image/"
done
lab=$dir/lab.yaml
cat >"$lab" <<EOF
name: deb-${v:0:8}
networks:
  lan:
    cidr: 172.30.5.0/24
    nat: true
images:
  debian: $dir/image
guests:
  g1:
    image: debian
    memory: 512
    interfaces:
      - { network: lan, address: 172.30.5.11 }
  g2:
    image: debian
    memory: 512
    interfaces:
      - { network: lan, address: 172.30.5.12 }
verify:
  external: [198.18.0.2]
  checks:
    - { from: g1, to: g2, expect: reachable }
EOF
echo "lab-test: lab file $lab:"
sed 's/^/    /' "$lab"
rc=0
run() {
	echo
	echo "\$ vlab $*"
	local t0=$SECONDS
	node "$repo/bin/vlab.js" "$@"
	local r=$?
	echo "(exit $r, $((SECONDS - t0))s)"
	[ "$rc" != 0 ] || rc=$r
	return $r
}
cd "$repo"
if run -f "$lab" up --timeout "$timeout"; then
	run -f "$lab" verify
	if [ -n "${LAB_TEST_PROBE:-}" ]; then
		for g in g1 g2; do run -f "$lab" exec "$g" -- /bin/sh -c "$LAB_TEST_PROBE"; done
	fi
fi
run -f "$lab" down
rm -rf "$dir"
exit "$rc"
