#!/usr/bin/env bash
# Build Debian 12 (bookworm) vlab test images, one per guest network stack.
#
#   vm-images/debian/build.sh [--force] [--refresh-base] VARIANT... | all
#
# VARIANT: ifupdown networkd netplan networkmanager cloud-init (see README.md).
# Outputs (git-ignored), under $DEBIAN_OUT (default vm-images/debian/out):
#   base/base.tar.zst  + base/.stamp     the shared debootstrap tree (cached)
#   VARIANT/image.yaml, disk.qcow2, .stamp, packages.txt, build-times.txt
#   VARIANT/vmlinux, vmlinuz, initrd.img (all but ifupdown, which boots GRUB
#   from its own partitioned disk)
#
# Root only (debootstrap, chroot, mounts). Runs in a private mount namespace,
# so the proc/sys/dev mounts of the chroot never outlive the build; a trap
# unmounts them on any exit as well.
#
# The package mirror is read from this machine's apt configuration
# (/etc/apt/sources.list, /etc/apt/sources.list.d/*.list and *.sources, the
# entries for bookworm, bookworm-updates and bookworm-security); set
# DEBIAN_MIRROR=URL (and DEBIAN_SECURITY_MIRROR=URL) to override. No mirror
# host name is written in this file.
#
# Caching: base/.stamp holds a hash of the base recipe (suite, packages,
# mirror URLs, debootstrap version, the base functions of this script);
# VARIANT/.stamp a hash of the base stamp, the settings and the code of the
# functions that make that variant. Unchanged inputs: "up to date", nothing done. --force rebuilds
# the variants named, --refresh-base re-runs debootstrap (newer packages).
# Variants install from the package lists saved in the base tarball, so they
# get the same package versions as the base; when the mirror no longer has a
# version the install retries after apt-get update.
#
# Environment: DEBIAN_OUT, DEBIAN_DISK_SIZE (default 2G), SOURCE_DATE_EPOCH
# (default 1704067200: every file time in the image is clamped to it),
# DEBIAN_KEEP_WORK=1 (keep the work tree on failure), DEBIAN_MIRROR,
# DEBIAN_SECURITY_MIRROR.
set -euo pipefail
umask 022

die() { echo "debian: error: $*" >&2; exit 1; }
say() { echo "debian: $*" >&2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/build.sh
ALL_VARIANTS=(ifupdown networkd netplan networkmanager cloud-init)

usage() {
	echo "usage: vm-images/debian/build.sh [--force] [--refresh-base] VARIANT... | all" >&2
	echo "       VARIANT: ${ALL_VARIANTS[*]}" >&2
	exit 2
}

force=0
refresh_base=0
variants=()
for a in "$@"; do
	case "$a" in
	--force) force=1 ;;
	--refresh-base) refresh_base=1 ;;
	-h | --help) usage ;;
	all) variants+=("${ALL_VARIANTS[@]}") ;;
	-*) usage ;;
	*)
		[[ " ${ALL_VARIANTS[*]} " == *" $a "* ]] || { echo "debian: unknown variant '$a'" >&2; usage; }
		variants+=("$a")
		;;
	esac
done
[ "${#variants[@]}" -gt 0 ] || usage

[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot and mounts need it): sudo bash $self $*"

# A private mount namespace: whatever is mounted below vanishes with the build.
if [ "${VLAB_DEBIAN_BUILD_NS:-}" != 1 ]; then
	command -v unshare >/dev/null || die "'unshare' not found: apt-get install util-linux"
	exec env VLAB_DEBIAN_BUILD_NS=1 unshare --mount --propagation private -- bash "$self" "$@"
fi

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: apt-get install $2"; }
need debootstrap debootstrap
need mke2fs e2fsprogs
need debugfs e2fsprogs
need qemu-img qemu-utils
need sfdisk fdisk
need zstd zstd
need flock util-linux
need chroot coreutils
need losetup mount

suite=bookworm
arch=amd64
out=${DEBIAN_OUT:-$here/out}
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC
disk_size=${DEBIAN_DISK_SIZE:-2G}
# What every variant needs; each variant adds its network stack.
base_pkgs=(systemd-sysv linux-image-amd64 qemu-guest-agent iproute2 iputils-ping iptables udev kmod e2fsprogs)
cmdline="root=/dev/vda rw console=ttyS0"

mkdir -p "$out"
out=$(cd "$out" && pwd)
chmod 755 "$out"
exec 9>"$out/.lock"
flock 9

# --- timing --------------------------------------------------------------------
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
timings=()
# step NAME CMD...: runs CMD, prints and records how long it took.
step() {
	local name=$1 t0
	shift
	t0=$(now)
	say "[$scope] $name ..."
	"$@"
	local dt
	dt=$(elapsed "$t0")
	timings+=("$(printf '%-30s %7ss' "$name" "$dt")")
	say "[$scope] $name: ${dt}s"
}
scope=setup

# --- mounts, loop devices and the work tree: always undone -----------------------
mounts=()
loops=()
work=
cleanup() {
	local rc=$? i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" 2>/dev/null || true
	done
	mounts=()
	for i in "${loops[@]}"; do losetup -d "$i" 2>/dev/null || true; done
	loops=()
	if [ -n "$work" ] && [ -d "$work" ]; then
		if [ "$rc" != 0 ] && [ "${DEBIAN_KEEP_WORK:-}" = 1 ]; then
			say "work tree kept: $work"
		else
			rm -rf --one-file-system "$work"
		fi
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

chroot_mount() {
	local r=$1
	mount -t proc proc "$r/proc" && mounts+=("$r/proc")
	mount -t sysfs sysfs "$r/sys" && mounts+=("$r/sys")
	mount --bind /dev "$r/dev" && mounts+=("$r/dev")
	mount --bind /dev/pts "$r/dev/pts" && mounts+=("$r/dev/pts")
	mount -t tmpfs -o mode=0755 tmpfs "$r/run" && mounts+=("$r/run")
}
chroot_umount() {
	local i
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
		umount "${mounts[$i]}" || umount -l "${mounts[$i]}"
	done
	mounts=()
}
# in_chroot ROOT CMD...: a clean environment, no daemons started (policy-rc.d).
in_chroot() {
	local r=$1
	shift
	chroot "$r" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 TZ=UTC \
		DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
		SOURCE_DATE_EPOCH="$SOURCE_DATE_EPOCH" "$@"
}
apt_opts=(-y -q -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=false
	-o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold)
apt_install() {
	local r=$1
	shift
	in_chroot "$r" apt-get "${apt_opts[@]}" install "$@" >>"$log" 2>&1 && return 0
	say "apt-get install failed (mirror moved on?): apt-get update and retry"
	in_chroot "$r" apt-get -q update >>"$log" 2>&1 &&
		in_chroot "$r" apt-get "${apt_opts[@]}" install "$@" >>"$log" 2>&1 ||
		die "apt-get install $* failed; see $log"
}

# --- the mirror, from this machine's apt configuration ---------------------------
# Prints "URI SUITE" for every enabled deb entry (one-line and deb822 formats).
apt_entries() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		sed -e 's/#.*//' "$f" | awk '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
			print $i, $(i + 1)
		}'
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			types = ""; uris = ""; suites = ""; enabled = "yes"
			for (i = 1; i <= NF; i++) {
				line = $i
				if (line ~ /^[ \t]*#/ || index(line, ":") == 0) continue
				k = tolower(substr(line, 1, index(line, ":") - 1))
				v = substr(line, index(line, ":") + 1)
				gsub(/^[ \t]+|[ \t]+$/, "", v)
				if (k == "types") types = v
				else if (k == "uris") uris = v
				else if (k == "suites") suites = v
				else if (k == "enabled") enabled = tolower(v)
			}
			if (enabled == "no" || (" " types " ") !~ / deb /) next
			nu = split(uris, U, /[ \t]+/); ns = split(suites, S, /[ \t]+/)
			for (a = 1; a <= nu; a++) for (b = 1; b <= ns; b++) print U[a], S[b]
		}' "$f"
	done
}
mirror_for() { apt_entries | awk -v s="$1" '$2 == s { sub(/\/$/, "", $1); print $1; exit }'; }
mirror=${DEBIAN_MIRROR:-$(mirror_for "$suite")}
[ -n "$mirror" ] || die "no 'deb URI $suite' entry in /etc/apt/sources.list*: set DEBIAN_MIRROR=URL"
updates_mirror=${DEBIAN_MIRROR:-$(mirror_for "$suite-updates")}
updates_mirror=${updates_mirror:-$mirror}
security_mirror=${DEBIAN_SECURITY_MIRROR:-$(mirror_for "$suite-security")}

# The apt sources of the images: the same mirrors.
write_sources() {
	local r=$1
	rm -f "$r/etc/apt/sources.list"
	mkdir -p "$r/etc/apt/sources.list.d"
	{
		printf 'Types: deb\nURIs: %s\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
			"$mirror" "$suite" "$suite"
		[ -z "$security_mirror" ] ||
			printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
				"$security_mirror" "$suite"
	} >"$r/etc/apt/sources.list.d/debian.sources"
}

# No daemon may start inside the chroot.
block_daemons() {
	printf '#!/bin/sh\nexit 101\n' >"$1/usr/sbin/policy-rc.d"
	chmod 755 "$1/usr/sbin/policy-rc.d"
}

# --- base ----------------------------------------------------------------------------
base_dir=$out/base
base_tar=$base_dir/base.tar.zst

base_debootstrap() {
	debootstrap --variant=minbase --arch="$arch" --components=main \
		--keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
		"$suite" "$1" "$mirror" >>"$log" 2>&1 || die "debootstrap failed; see $log"
}
base_configure() {
	local r=$1
	write_sources "$r"
	cp -L /etc/resolv.conf "$r/etc/resolv.conf"
	block_daemons "$r"
	# Keep the initramfs generic (the default, said explicitly): virtio_blk,
	# ext4 and friends are in it whatever machine builds it.
	mkdir -p "$r/etc/initramfs-tools/conf.d"
	echo "MODULES=most" >"$r/etc/initramfs-tools/conf.d/vlab-modules.conf"
}
base_install() {
	local r=$1
	in_chroot "$r" apt-get -q update >>"$log" 2>&1 || die "apt-get update failed; see $log"
	in_chroot "$r" apt-get "${apt_opts[@]}" dist-upgrade >>"$log" 2>&1 || die "apt-get dist-upgrade failed; see $log"
	apt_install "$r" "${base_pkgs[@]}"
	in_chroot "$r" apt-get -q clean >>"$log" 2>&1
}
# Package lists stay in the tarball: variants install from the same snapshot.
base_pack() {
	local r=$1
	rm -f "$r/var/cache/apt/"*.bin
	: >"$r/etc/resolv.conf"
	tar -C "$r" --numeric-owner --xattrs --xattrs-include='*' --acls --one-file-system \
		--sort=name --mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime \
		--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
		-cf - . | zstd -q -T0 -6 -o "$work/base.tar.zst"
	mv -f "$work/base.tar.zst" "$base_tar"
}
base_hash() {
	{
		echo "suite $suite arch $arch mirror $mirror $updates_mirror $security_mirror"
		echo "packages ${base_pkgs[*]}"
		dpkg-query -W -f='${Package} ${Version}\n' debootstrap
		declare -f write_sources block_daemons base_debootstrap base_configure base_install base_pack apt_install in_chroot
	} | sha256sum | awk '{print $1}'
}
ensure_base() {
	scope=base
	local h t0
	h=$(base_hash)
	if [ "$refresh_base" = 0 ] && [ -f "$base_dir/.stamp" ] && [ "$(head -n 1 "$base_dir/.stamp")" = "$h" ] && [ -f "$base_tar" ]; then
		say "[base] up to date ($(sed -n 2p "$base_dir/.stamp"))"
		return 0
	fi
	t0=$(now)
	timings=()
	mkdir -p "$base_dir"
	work=$(mktemp -d "$out/.work-base.XXXXXX")
	log=$work/build.log
	local r=$work/root
	mkdir -p "$r"
	say "[base] building from $mirror ($suite, $arch); log: $log"
	step debootstrap base_debootstrap "$r"
	step configure base_configure "$r"
	chroot_mount "$r"
	step "install base packages" base_install "$r"
	chroot_umount
	step "pack base.tar.zst" base_pack "$r"
	local kver
	kver=$(cd "$r/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	{
		echo "$h"
		echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) kernel $kver"
		in_chroot "$r" dpkg-query -W -f='${Package} ${Version}\n'
	} >"$base_dir/.stamp.new"
	printf '%s\n' "${timings[@]}" "$(printf '%-30s %7ss' total "$(elapsed "$t0")")" >"$base_dir/build-times.txt"
	mv -f "$base_dir/.stamp.new" "$base_dir/.stamp"
	cp "$log" "$base_dir/build.log"
	rm -rf --one-file-system "$work"
	work=
	say "[base] built in $(elapsed "$t0")s ($(du -h "$base_tar" | cut -f1) $base_tar)"
	# a new base invalidates every variant (their stamps include it)
}

# --- variants: the network stack --------------------------------------------------------
enable_unit() { # ROOT UNIT...: systemctl enable, offline
	local r=$1
	shift
	in_chroot "$r" systemctl enable "$@" >>"$log" 2>&1 || die "systemctl enable $* failed; see $log"
}

variant_ifupdown() {
	local r=$1
	# grub-pc: do not ask where to install (build.sh writes the boot sector).
	printf '%s\n' 'grub-pc grub-pc/install_devices multiselect' 'grub-pc grub-pc/install_devices_empty boolean true' |
		in_chroot "$r" debconf-set-selections
	apt_install "$r" ifupdown isc-dhcp-client grub-pc
	cat >"$r/etc/network/interfaces" <<'EOF'
# This file describes the network interfaces available on your system
# and how to activate them. For more information, see interfaces(5).

source /etc/network/interfaces.d/*

# The loopback network interface
auto lo
iface lo inet loopback
EOF
	enable_unit "$r" networking.service
	# for a later update-grub inside the guest
	sed -i -e 's/^GRUB_TIMEOUT=.*/GRUB_TIMEOUT=0/' \
		-e 's/^GRUB_CMDLINE_LINUX_DEFAULT=.*/GRUB_CMDLINE_LINUX_DEFAULT=""/' \
		-e 's/^GRUB_CMDLINE_LINUX=.*/GRUB_CMDLINE_LINUX="console=ttyS0"/' "$r/etc/default/grub"
	printf 'GRUB_TERMINAL=serial\nGRUB_SERIAL_COMMAND="serial --unit=0 --speed=115200"\n' >>"$r/etc/default/grub"
}

# systemd's own ethernet default (shipped as 89-ethernet.network.example since
# systemd 253; mkosi images enable it): DHCP on every wired NIC, whatever its
# name, so also on a NIC that vlab renamed to ethN and configured nothing for.
# vlab's per-NIC files (10-vlab-*, netplan's 10-netplan-*) sort before it.
ethernet_dhcp_default() {
	mkdir -p "$1/etc/systemd/network"
	cat >"$1/etc/systemd/network/89-ethernet.network" <<'EOF'
[Match]
Type=ether
Kind=!*

[Network]
DHCP=yes
EOF
}

variant_networkd() {
	local r=$1
	apt_install "$r" dbus
	enable_unit "$r" systemd-networkd.service
	mkdir -p "$r/etc/systemd/network"
	# What a distro or installer leaves: DHCP on every en* NIC. vlab's
	# 10-vlab-*.network files must win over it.
	cat >"$r/etc/systemd/network/99-default-dhcp.network" <<'EOF'
[Match]
Name=en*

[Network]
DHCP=yes
EOF
	ethernet_dhcp_default "$r"
}

# A cloud-init style netplan file that DHCPs every NIC (vlab removes it).
netplan_default() {
	mkdir -p "$1/etc/netplan"
	cat >"$1/etc/netplan/50-cloud-init.yaml" <<'EOF'
# This file is generated from information provided by the datasource.  Changes
# to it will not persist across an instance reboot.
network:
    version: 2
    renderer: networkd
    ethernets:
        all-en:
            match:
                name: "en*"
            dhcp4: true
EOF
	chmod 600 "$1/etc/netplan/50-cloud-init.yaml"
}

variant_netplan() {
	local r=$1
	apt_install "$r" dbus netplan.io
	enable_unit "$r" systemd-networkd.service
	netplan_default "$r"
	# the backend's own default: DHCP on any NIC no netplan file names
	ethernet_dhcp_default "$r"
}

variant_networkmanager() {
	local r=$1
	apt_install "$r" dbus network-manager
	enable_unit "$r" NetworkManager.service
	# What image builders leave: a catch-all wired profile (no interface name,
	# no MAC), so NM DHCPs every ethernet NIC, also one vlab renamed and
	# configured nothing for. NM's automatic "Wired connection N" profiles do
	# the same unless no-auto-default=* (which vlab writes); this one stays.
	mkdir -p "$r/etc/NetworkManager/system-connections"
	cat >"$r/etc/NetworkManager/system-connections/wired-dhcp.nmconnection" <<'EOF'
[connection]
id=wired-dhcp
uuid=5b0c6d2e-7a1f-4c3e-9d8b-2f6a1e0c4b71
type=ethernet
autoconnect=true

[ipv4]
method=auto

[ipv6]
method=auto
EOF
	chmod 600 "$r/etc/NetworkManager/system-connections/wired-dhcp.nmconnection"
}

variant_cloud_init() {
	local r=$1
	apt_install "$r" dbus netplan.io cloud-init
	enable_unit "$r" systemd-networkd.service
	# networkd's ethernet default: DHCP on any NIC network-config does not name
	ethernet_dhcp_default "$r"
	mkdir -p "$r/etc/cloud/cloud.cfg.d"
	cat >"$r/etc/cloud/cloud.cfg.d/90-vlab.cfg" <<'EOF'
# vlab test image: a NoCloud seed (ISO labelled cidata) or nothing.
datasource_list: [NoCloud, None]
# render network-config with netplan (-> systemd-networkd)
system_info:
  network:
    renderers: [netplan, networkd]
EOF
}

# --- variants: what every image gets ----------------------------------------------------
finalize() {
	local r=$1 v=$2 uuid=$3 kver=$4 days
	rm -f "$r/etc/hostname" "$r/etc/hosts" # (debootstrap copies the build host's, mode included)
	echo debian >"$r/etc/hostname"
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tdebian\n\n::1\t\tlocalhost ip6-localhost ip6-loopback\nff02::1\t\tip6-allnodes\nff02::2\t\tip6-allrouters\n' >"$r/etc/hosts"
	printf '# <file system> <mount point> <type> <options> <dump> <pass>\nUUID=%s / ext4 rw,errors=remount-ro 0 1\n' "$uuid" >"$r/etc/fstab"
	# Empty machine-id: each guest generates (and commits) its own at first boot.
	: >"$r/etc/machine-id"
	if [ -d "$r/var/lib/dbus" ]; then ln -sf /etc/machine-id "$r/var/lib/dbus/machine-id"; fi
	# Root has no password (locked); use the guest agent.
	days=$((SOURCE_DATE_EPOCH / 86400))
	in_chroot "$r" usermod -p '!*' root
	awk -F: -v OFS=: -v d="$days" '$3 != "" { $3 = d } { print }' "$r/etc/shadow" >"$r/etc/shadow.new"
	cat "$r/etc/shadow.new" >"$r/etc/shadow" && rm -f "$r/etc/shadow.new"
	rm -f "$r"/etc/{passwd,group,shadow,gshadow,subuid,subgid}-
	# qemu-guest-agent is started by udev when the virtio port
	# org.qemu.guest_agent.0 appears (the unit has no [Install] section).
	grep -qs 'org.qemu.guest_agent.0' "$r"/lib/udev/rules.d/*qemu-guest-agent*.rules ||
		die "no udev rule starts qemu-guest-agent in $v"
	[ -f "$r/lib/systemd/system/qemu-guest-agent.service" ] || die "qemu-guest-agent.service missing"
	# initramfs must hold virtio_blk for root=/dev/vda
	in_chroot "$r" lsinitramfs "/boot/initrd.img-$kver" | grep '/virtio_blk\.ko' >/dev/null ||
		die "initrd.img-$kver has no virtio_blk"
	printf 'vlab Debian 12 test image, variant %s (vm-images/debian/build.sh)\nkernel %s\n' "$v" "$kver" >"$r/etc/vlab-image"
	# Clean up: apt caches and lists, logs, build-time leftovers.
	in_chroot "$r" apt-get -q clean >>"$log" 2>&1
	rm -rf "$r"/var/lib/apt/lists/* "$r"/var/cache/apt/*.bin "$r"/var/cache/debconf/*-old \
		"$r"/var/lib/dpkg/*-old "$r"/var/cache/ldconfig/aux-cache "$r"/var/lib/systemd/random-seed \
		"$r"/tmp/* "$r"/var/tmp/* "$r"/root/.bash_history "$r"/var/log/apt/* \
		"$r"/var/log/bootstrap.log "$r"/var/log/dpkg.log "$r"/var/log/alternatives.log
	mkdir -p "$r/var/lib/apt/lists/partial"
	find "$r/var/log" -type f -exec truncate -s 0 {} +
	rm -f "$r/usr/sbin/policy-rc.d"
	: >"$r/etc/resolv.conf"
	chmod 0644 "$r"/etc/{hostname,hosts,fstab,resolv.conf}
	# Every time stamp no later than SOURCE_DATE_EPOCH.
	find "$r" -xdev -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
}

# --- disks ---------------------------------------------------------------------------------
# A fixed UUID (and hash seed) per variant: two builds give the same filesystem.
variant_uuid() { printf '%s' "vlab-debian-$1-$2" | sha256sum | sed -E 's/^(.{8})(.{4}).(.{3}).(.{3})(.{12}).*/\1-\2-4\3-8\4-\5/'; }

# make_fs TREE IMAGE SIZE LABEL UUID SEED: ext4 from a folder, reproducibly.
make_fs() {
	local tree=$1 img=$2 size=$3 label=$4 uuid=$5 seed=$6
	cat >"$work/mke2fs.conf" <<'EOF'
[defaults]
	base_features = sparse_super,large_file,filetype,resize_inode,dir_index,ext_attr
	default_mntopts = acl,user_xattr
	enable_periodic_fsck = 0
	blocksize = 4096
	inode_size = 256
	inode_ratio = 16384
[fs_types]
	ext4 = {
		features = has_journal,extent,huge_file,flex_bg,metadata_csum,64bit,dir_nlink,extra_isize
	}
EOF
	rm -f "$img"
	MKE2FS_CONFIG=$work/mke2fs.conf mke2fs -q -F -t ext4 -T default -L "$label" -m 0 \
		-U "$uuid" -E "root_owner=0:0,hash_seed=$seed,lazy_itable_init=0" \
		-d "$tree" "$img" "$size" >/dev/null
	# mke2fs -d copies each file's ctime and atime (extraction and build
	# times): one debugfs batch sets them all to SOURCE_DATE_EPOCH.
	(cd "$tree" && find . -xdev | sed -e 's|^\.||' -e 's|^$|/|' | LC_ALL=C sort) |
		awk -v t="@$SOURCE_DATE_EPOCH" '{ printf "sif \"%s\" ctime %s\nsif \"%s\" atime %s\n", $0, t, $0, t }' >"$work/fixup.debugfs"
	printf 'sif /lost+found ctime @%s\nsif /lost+found atime @%s\n' "$SOURCE_DATE_EPOCH" "$SOURCE_DATE_EPOCH" >>"$work/fixup.debugfs"
	debugfs -w -f "$work/fixup.debugfs" "$img" >"$work/debugfs.log" 2>&1 ||
		die "debugfs could not fix up times: $(tail -n 3 "$work/debugfs.log")"
	debugfs -w -R "ssv kbytes_written 0" "$img" >>"$work/debugfs.log" 2>&1
}

# The uncompressed kernel (ELF) inside a bzImage: qemu boots it through its PVH
# entry point and skips the xz decompression (~4 s under TCG). Falls back to a
# copy of the bzImage.
extract_vmlinux() {
	local img=$1 dst=$2 off
	for off in $(LC_ALL=C grep -aboP '\xFD\x37\x7A\x58\x5A\x00' "$img" 2>/dev/null | head -n 5 | cut -d: -f1); do
		tail -c "+$((off + 1))" "$img" | xz -dc >"$dst" 2>/dev/null || true # (trailing data)
		if [ "$(head -c 4 "$dst" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then return 0; fi
	done
	say "no xz-compressed ELF in $img: vmlinux is a copy of vmlinuz"
	cp "$img" "$dst"
}

# make_grub_disk TREE RAW UUID SEED KVER: MBR disk, one ext4 partition from
# 1 MiB, GRUB (i386-pc) in the MBR and the gap before the partition.
make_grub_disk() {
	local tree=$1 raw=$2 uuid=$3 seed=$4 kver=$5
	[ -f "$tree/usr/lib/grub/i386-pc/boot.img" ] || die "grub-pc is not installed in the tree"
	mkdir -p "$tree/boot/grub"
	cat >"$tree/boot/grub/grub.cfg" <<EOF
# vlab Debian 12 test image (vm-images/debian/build.sh); update-grub replaces
# this file with one made from /etc/default/grub (serial console kept).
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry 'Debian GNU/Linux 12, $kver' {
	insmod part_msdos
	insmod ext2
	search --no-floppy --fs-uuid --set=root $uuid
	linux /boot/vmlinuz-$kver root=UUID=$uuid rw console=ttyS0
	initrd /boot/initrd.img-$kver
}
EOF
	install_grub "$tree" "$uuid"
	find "$tree/boot/grub" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
	local total part_off=$((2048 * 512))
	total=$(numfmt --from=iec "$disk_size")
	make_fs "$tree" "$work/part.raw" "$(((total - part_off) / 1024))k" root "$uuid" "$seed"
	rm -f "$raw"
	truncate -s "$total" "$raw"
	mbr_table | sfdisk -q "$raw"
	dd if="$work/part.raw" of="$raw" bs=1M seek=1 conv=notrunc,sparse status=none
	rm -f "$work/part.raw"
	# GRUB's boot code (MBR bytes 0-439; the disk signature and partition
	# table stay) and core.img (sectors 1-2047), as grub-install wrote them.
	dd if="$work/grub-boot.bin" of="$raw" bs=440 count=1 conv=notrunc status=none
	dd if="$work/grub-boot.bin" of="$raw" bs=512 skip=1 seek=1 count=2047 conv=notrunc status=none
}
mbr_table() { printf 'label: dos\nlabel-id: 0x5e1f7a1b\nstart=2048, type=83, bootable\n'; }

# install_grub TREE UUID: runs grub-install (the image's own grub-pc 2.06, in
# a chroot) on a small scratch disk with the same layout whose partition has
# the image's filesystem UUID. Fills TREE/boot/grub with what grub-install
# wrote there and keeps the scratch disk's first MiB (boot code + core.img)
# in $work/grub-boot.bin. Nothing of core.img depends on the filesystem's
# contents (it finds the root by UUID), so the final filesystem is then made
# with mke2fs -d like the other variants, reproducibly, never mounted.
# Loop devices here get no partition nodes (losetup -P makes no loop0p1):
# the partition is a second loop device (--offset); grub-install sees two
# different devices and puts "search.fs_uuid UUID root" in core.img's load.cfg.
install_grub() {
	local tree=$1 uuid=$2 scratch=$work/grub-scratch.raw disk_loop part_loop mnt=$1/mnt
	rm -f "$scratch"
	truncate -s 64M "$scratch"
	mbr_table | sfdisk -q "$scratch"
	disk_loop=$(losetup --find --show "$scratch")
	loops+=("$disk_loop")
	part_loop=$(losetup --find --show --offset $((2048 * 512)) "$scratch")
	loops+=("$part_loop")
	mke2fs -q -F -t ext4 -U "$uuid" "$part_loop" >/dev/null
	mount -t ext4 "$part_loop" "$mnt" && mounts+=("$mnt")
	chroot_mount "$tree"
	in_chroot "$tree" grub-install --target=i386-pc --boot-directory=/mnt/boot \
		--modules="part_msdos ext2 search_fs_uuid" "$disk_loop" >>"$log" 2>&1 ||
		die "grub-install failed: $(tail -n 5 "$log")"
	grep -h . "$mnt/boot/grub/i386-pc/load.cfg" >>"$log" 2>/dev/null || true
	grep -q "search.fs_uuid $uuid" "$mnt/boot/grub/i386-pc/load.cfg" ||
		die "grub-install did not make core.img search for $uuid"
	cp -a "$mnt/boot/grub/." "$tree/boot/grub/"
	chroot_umount # (and $mnt)
	losetup -d "$part_loop" "$disk_loop"
	loops=()
	dd if="$scratch" of="$work/grub-boot.bin" bs=512 count=2048 status=none
	rm -f "$scratch"
}

# --- one variant ------------------------------------------------------------------------------
# The recipe of a variant: the base stamp, the settings, and the code (bash's
# normalised text of the functions: comments do not count) of every function
# but the other variants' own.
variant_hash() {
	local v=$1 fns
	fns=$(declare -F | awk '{print $3}' | grep -v -E '^(variant_(ifupdown|networkd|netplan|networkmanager|cloud_init)|make_grub_disk|install_grub|ethernet_dhcp_default)$')
	[ "$v" != ifupdown ] || fns="$fns make_grub_disk install_grub"
	case "$v" in networkd | netplan | cloud-init) fns="$fns ethernet_dhcp_default" ;; esac
	{
		head -n 1 "$base_dir/.stamp"
		echo "variant $v size $disk_size epoch $SOURCE_DATE_EPOCH cmdline $cmdline suite $suite"
		declare -f $fns "variant_${v//-/_}"
	} | sha256sum | awk '{print $1}'
}
variant_outputs() {
	case "$1" in
	ifupdown) echo "image.yaml disk.qcow2" ;;
	*) echo "image.yaml disk.qcow2 vmlinux vmlinuz initrd.img" ;;
	esac
}
build_variant() {
	local v=$1 h t0 f ok=1
	scope=$v
	h=$(variant_hash "$v")
	local dst=$out/$v
	if [ "$force" = 0 ] && [ -f "$dst/.stamp" ] && [ "$(head -n 1 "$dst/.stamp")" = "$h" ]; then
		for f in $(variant_outputs "$v"); do [ -f "$dst/$f" ] || ok=0; done
		if [ "$ok" = 1 ]; then
			say "[$v] up to date ($dst)"
			return 0
		fi
	fi
	t0=$(now)
	timings=()
	work=$(mktemp -d "$out/.work-$v.XXXXXX")
	chmod 755 "$work"
	log=$work/build.log
	local r=$work/root
	mkdir -p "$r" "$work/out"
	say "[$v] building in $work; log: $log"
	step "unpack base" tar -C "$r" --numeric-owner --xattrs --xattrs-include='*' --acls -xpf "$base_tar" --zstd
	cp -L /etc/resolv.conf "$r/etc/resolv.conf"
	block_daemons "$r"
	chroot_mount "$r"
	step "install $v stack" "variant_${v//-/_}" "$r"
	local kver uuid seed
	kver=$(cd "$r/boot" && ls vmlinuz-* | sed 's/^vmlinuz-//' | sort -V | tail -n 1)
	[ -n "$kver" ] || die "no kernel in /boot"
	uuid=$(variant_uuid "$v" fs)
	seed=$(variant_uuid "$v" hash)
	step finalize finalize "$r" "$v" "$uuid" "$kver"
	in_chroot "$r" dpkg-query -W -f='${Package} ${Version}\n' >"$work/out/packages.txt"
	chroot_umount
	local o=$work/out
	if [ "$v" = ifupdown ]; then
		step "disk: partition+grub" make_grub_disk "$r" "$work/disk.raw" "$uuid" "$seed" "$kver"
	else
		install -m 0644 "$r/boot/vmlinuz-$kver" "$o/vmlinuz"
		install -m 0644 "$r/boot/initrd.img-$kver" "$o/initrd.img"
		step "extract vmlinux" extract_vmlinux "$o/vmlinuz" "$o/vmlinux"
		step "disk: mke2fs -d" make_fs "$r" "$work/disk.raw" "$disk_size" root "$uuid" "$seed"
	fi
	step "qcow2 (compressed)" qemu-img convert -q -c -f raw -O qcow2 "$work/disk.raw" "$o/disk.qcow2"
	rm -f "$work/disk.raw"
	{
		echo "# Debian 12 ($suite) vlab test image, variant '$v'."
		echo "# Generated by vm-images/debian/build.sh; paths are relative to this folder."
		echo "disk: disk.qcow2"
		if [ "$v" != ifupdown ]; then
			echo "kernel: vmlinux"
			echo "initrd: initrd.img"
			echo "cmdline: \"$cmdline\""
		else
			echo "# boots GRUB from its own disk (no kernel/initrd here)"
		fi
		if [ "$v" = cloud-init ]; then echo "netconfig: cloud-init"; fi
		echo "exec: agent"
	} >"$o/image.yaml"
	chmod 0644 "$o"/*
	touch -d "@$SOURCE_DATE_EPOCH" "$o"/*
	printf '%s\n' "${timings[@]}" "$(printf '%-30s %7ss' total "$(elapsed "$t0")")" >"$o/build-times.txt"
	cp "$log" "$o/build.log"
	{
		echo "$h"
		echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) kernel $kver fs-uuid $uuid"
	} >"$o/.stamp"
	# replace the outputs (a running guest keeps its open base file)
	mkdir -p "$dst"
	chmod 755 "$dst"
	rm -f "$dst/.stamp"
	for f in "$o"/* "$o/.stamp"; do mv -f "$f" "$dst/"; done
	rm -rf --one-file-system "$work"
	work=
	say "[$v] built in $(elapsed "$t0")s: $dst ($(du -h "$dst/disk.qcow2" | cut -f1) disk.qcow2, virtual $disk_size)"
}

ensure_base
seen=" "
for v in "${variants[@]}"; do
	[[ "$seen" == *" $v "* ]] && continue
	seen="$seen$v "
	build_variant "$v"
done
