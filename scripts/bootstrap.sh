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
