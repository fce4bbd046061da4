#!/usr/bin/env bash
# Installs what a fresh Debian 12 host lacks for vlab, its demo and its tests, then builds the
# tiny guest image. Idempotent: each step is skipped when already done. (chromium and its fonts:
# the browser test of `vlab graph`'s HTML page, test/render/topology-html.test.ts.)
set -euo pipefail
cd "$(dirname "$0")/.."
PKGS=(libvirt-daemon-system libvirt-daemon-driver-qemu libvirt-clients libvirt-dev qemu-system-x86
	qemu-utils libguestfs-tools qemu-guest-agent busybox-static linux-image-amd64 iptables dnsmasq-base
	e2fsprogs xorriso iputils-ping ifupdown iproute2 dbus pkg-config procps nftables systemd debootstrap zstd fdisk
	netplan.io network-manager cloud-init dropbear-bin openssh-client xfsprogs
	chromium fonts-liberation)
t0=$(date +%s)
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "bootstrap: missing Debian packages: ${missing[*]}; run as root (sudo) to install them" >&2
		exit 1
	fi
	echo "bootstrap: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
echo "bootstrap: Debian packages ready ($(( $(date +%s) - t0 ))s)"
# The two-host test bed's sshd (host B of sandbox_peer_up, sandbox/sandbox-lib.sh): openssh-server
# and its one missing library (libwrap0) are extracted into $TESTBED_SSH, NOT installed: installing
# the package would start sshd on this machine and enable it at boot. run-sshd sets the library path.
TESTBED_SSH=/var/cache/vlab-testbed/openssh
testbed_sshd_ok() {
	[ -x "$TESTBED_SSH/run-sshd" ] && [ -x "$TESTBED_SSH/usr/sbin/sshd" ] &&
		! LD_LIBRARY_PATH=$(cat "$TESTBED_SSH/libpath" 2>/dev/null) ldd "$TESTBED_SSH/usr/sbin/sshd" | grep -q 'not found'
}
testbed_sshd_extract() (
	tmp=$(mktemp -d /var/cache/vlab-testbed.XXXXXX)
	trap 'rm -rf "$tmp"' EXIT
	chown _apt "$tmp" 2>/dev/null || true # apt-get download runs as _apt where it can
	(cd "$tmp" && apt-get download -qq openssh-server libwrap0 2>/dev/null) ||
		(apt-get update -qq && cd "$tmp" && apt-get download -qq openssh-server libwrap0)
	mkdir "$tmp/root"
	for deb in "$tmp"/*.deb; do
		dpkg-deb -x "$deb" "$tmp/root"
	done
	libpath=$(find "$tmp/root" -name 'libwrap.so.*' -printf '%h\n' | sed "s|^$tmp/root|$TESTBED_SSH|" | sort -u | paste -sd:)
	echo "$libpath" >"$tmp/root/libpath"
	cat >"$tmp/root/run-sshd" <<-EOF
		#!/bin/sh
		# sshd extracted by scripts/bootstrap.sh (not installed): its libwrap0 lives here too.
		LD_LIBRARY_PATH=$libpath exec $TESTBED_SSH/usr/sbin/sshd "\$@"
	EOF
	chmod 755 "$tmp/root/run-sshd"
	rm -rf "$TESTBED_SSH"
	mkdir -p "$(dirname "$TESTBED_SSH")"
	mv "$tmp/root" "$TESTBED_SSH"
	if ! testbed_sshd_ok; then
		echo "bootstrap: the extracted sshd lacks libraries:" >&2
		LD_LIBRARY_PATH=$libpath ldd "$TESTBED_SSH/usr/sbin/sshd" | grep 'not found' >&2
		exit 1
	fi
)
t3=$(date +%s)
if testbed_sshd_ok; then
	:
elif [ "$(id -u)" != 0 ]; then
	echo "bootstrap: warning: the two-host test bed's sshd is not in $TESTBED_SSH; run as root (sudo) to extract it" >&2
else
	echo "bootstrap: extracting openssh-server into $TESTBED_SSH (not installed)"
	testbed_sshd_extract
fi
echo "bootstrap: test bed sshd ready ($(( $(date +%s) - t3 ))s)"
t1=$(date +%s)
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
	npm ci --no-audit --no-fund --loglevel=error
fi
# The compiled CLI (npm ci runs it through `prepare`; a checkout whose sources are newer builds again).
if [ ! -f dist/.build-stamp ] || [ -n "$(find src -newer dist/.build-stamp -print -quit)" ]; then
	npm run build --silent
fi
echo "bootstrap: npm packages ready ($(( $(date +%s) - t1 ))s)"
t2=$(date +%s)
bash vm-images/tiny/build.sh
echo "bootstrap: tiny image ready ($(( $(date +%s) - t2 ))s)"
