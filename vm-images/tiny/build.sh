#!/usr/bin/env bash
# Build the "tiny" vlab guest image from Debian packages already installed on
# this machine (no download): busybox-static, linux-image-amd64,
# qemu-guest-agent, dropbear-bin (the SSH server for vlab's ssh transport),
# e2fsprogs, qemu-utils, cpio, gzip.
#
#   vm-images/tiny/build.sh [OUTDIR]      (default OUTDIR: this folder)
#
# Writes OUTDIR/disk.qcow2, OUTDIR/initrd.img, OUTDIR/vmlinuz (a copy of
# /boot/vmlinuz-*), OUTDIR/vmlinux (the same kernel uncompressed: qemu boots
# this ELF through its PVH entry point, skipping the xz decompression that
# costs ~4 s under TCG; image.yaml points at it) and OUTDIR/.stamp.
# Skips all work when the inputs (this script, guest-init/*, the binaries,
# kernel and modules it copies) are unchanged. Works as root or not (not root:
# /boot/vmlinuz-* must be readable; file owners are fixed with debugfs).
#
# Environment: TINY_KVER=6.1.0-xx-amd64 picks a kernel (default: the newest
# /boot/vmlinuz-* whose modules include virtio_net); TINY_DISK_SIZE (default
# 128M); SOURCE_DATE_EPOCH (default 1704067200) for every timestamp.
set -euo pipefail

die() { echo "tiny: error: $*" >&2; exit 1; }
say() { echo "tiny: $*" >&2; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:-$here}
mkdir -p "$out"
out=$(cd "$out" && pwd)
gi=$here/guest-init
start=$(date +%s.%N)

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
export E2FSPROGS_FAKE_TIME=$SOURCE_DATE_EPOCH
export LC_ALL=C TZ=UTC
disk_size=${TINY_DISK_SIZE:-128M}
# Fixed identifiers so that two builds give the same filesystem.
fs_uuid=5e1f7a1b-0000-4000-8000-00000000b0b0
fs_hash_seed=5e1f7a1b-0000-4000-8000-00000000cafe

need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: install $2 (apt-get install $2)"; }
need busybox busybox-static
need qemu-ga qemu-guest-agent
need dropbear dropbear-bin
need dropbearconvert dropbear-bin
need mke2fs e2fsprogs
need debugfs e2fsprogs
need qemu-img qemu-utils
need cpio cpio
need gzip gzip
need modinfo kmod
need modprobe kmod
need ldd libc-bin
need xz xz-utils
[ -x /bin/busybox ] || die "/bin/busybox missing: apt-get install busybox-static"
busybox_bin=/bin/busybox
# The static busybox is required: the initramfs and guest have no libc for it.
if ldd "$busybox_bin" >/dev/null 2>&1; then die "$busybox_bin is dynamically linked: install busybox-static"; fi
qga_bin=$(command -v qemu-ga)
dropbear_bin=$(command -v dropbear)
dropbearconvert_bin=$(command -v dropbearconvert)

# --- kernel ------------------------------------------------------------------
pick_kernel() {
	local v best=
	for v in $(ls /boot/vmlinuz-* 2>/dev/null | sed 's|^/boot/vmlinuz-||' | sort -V); do
		modinfo -k "$v" -n virtio_net >/dev/null 2>&1 && best=$v
	done
	echo "$best"
}
kver=${TINY_KVER:-$(pick_kernel)}
[ -n "$kver" ] || die "no /boot/vmlinuz-* with modules in /lib/modules: apt-get install linux-image-amd64"
vmlinuz=/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "$vmlinuz not found (TINY_KVER=$kver)"
[ -r "$vmlinuz" ] || die "$vmlinuz is not readable by $(id -un): run as root or chmod a+r it"

# --- modules: wanted list + dependencies, in load order ----------------------
# depends and softdep "pre:" come from modinfo; aliases such as crypto-crc32c
# are resolved with modprobe -R, preferring the *_generic implementation
# (accelerated ones like crc32c_intel need CPU features TCG may not offer).
declare -A mod_state=()
mod_order=()
resolve_module() {
	local cands c
	cands=$(modinfo -k "$kver" -F name "$1" 2>/dev/null || true)
	[ -n "$cands" ] || cands=$(modprobe -S "$kver" -R "$1" 2>/dev/null || true)
	[ -n "$cands" ] || return 0
	for c in $cands; do case "$c" in *generic*) echo "$c"; return ;; esac; done
	echo "${cands%%[[:space:]]*}"
}
visit_module() {
	local m dep soft
	m=$(resolve_module "$1")
	[ -n "$m" ] || { say "module $1 not found for $kver (built in?), skipped"; return 0; }
	m=${m//-/_}
	case "${mod_state[$m]:-}" in
	done) return 0 ;;
	active) die "module dependency cycle at $m" ;;
	esac
	# built-in modules have no file: nothing to load
	if ! modinfo -k "$kver" -n "$m" 2>/dev/null | grep -q '\.ko'; then mod_state[$m]=done; return 0; fi
	mod_state[$m]=active
	soft=$(modinfo -k "$kver" -F softdep "$m" 2>/dev/null | sed -n 's/.*pre:\(.*\)/\1/p' | sed 's/post:.*//')
	for dep in $soft $(modinfo -k "$kver" -F depends "$m" | tr ',' ' '); do
		visit_module "$dep"
	done
	mod_state[$m]=done
	mod_order+=("$m")
}
mapfile -t wanted < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$gi/modules")
for m in "${wanted[@]}"; do visit_module "$m"; done

# --- shared libraries of the dynamic binaries (qemu-ga, dropbear) -------------
mapfile -t guest_libs < <(ldd "$qga_bin" "$dropbear_bin" "$dropbearconvert_bin" |
	awk '/=> \//{print $3} /^[[:space:]]*\/[^ ]*ld-linux/{print $1}' | sort -u)
[ "${#guest_libs[@]}" -gt 0 ] || die "ldd found no libraries for $qga_bin $dropbear_bin"

# --- input hash / stamp ------------------------------------------------------
pkg_versions() {
	dpkg-query -W -f='${Package} ${Version}\n' busybox-static qemu-guest-agent dropbear-bin "linux-image-$kver" e2fsprogs 2>/dev/null || true
}
hash_inputs() {
	{
		echo "kver $kver size $disk_size epoch $SOURCE_DATE_EPOCH"
		pkg_versions
		echo "modules ${mod_order[*]}"
		sha256sum "$here/build.sh" "$gi"/* | sed "s|$here/||"
		# the bytes actually copied into the image
		{
			sha256sum "$busybox_bin" "$qga_bin" "$dropbear_bin" "$dropbearconvert_bin" "$vmlinuz"
			for l in "${guest_libs[@]}"; do sha256sum "$(readlink -f "$l")"; done
			for m in "${mod_order[@]}"; do sha256sum "$(modinfo -k "$kver" -n "$m")"; done
		} | awk '{print $1}'
	} | sha256sum | awk '{print $1}'
}
# One build at a time per OUTDIR (a second caller waits, then finds it up to date).
if command -v flock >/dev/null; then
	exec 9>"$out/.build.lock"
	flock 9
fi
inputs_hash=$(hash_inputs)
if [ -f "$out/.stamp" ] && [ "$(head -n 1 "$out/.stamp")" = "$inputs_hash" ] &&
	[ -f "$out/disk.qcow2" ] && [ -f "$out/vmlinuz" ] && [ -f "$out/vmlinux" ] && [ -f "$out/initrd.img" ]; then
	echo "tiny image up to date ($out)"
	exit 0
fi

say "building in $out (kernel $kver)"
build=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$build"' EXIT
chmod 755 "$build"

# Symlinks for every busybox applet, in DIR (a root tree), without replacing
# anything already there.
busybox_links() {
	local root=$1 p rel
	while read -r p; do
		rel=$(realpath -m --relative-to="$(dirname "/$p")" /bin/busybox)
		mkdir -p "$root/$(dirname "$p")"
		[ -e "$root/$p" ] || [ -L "$root/$p" ] || ln -s "$rel" "$root/$p"
	done < <("$busybox_bin" --list-full)
}

# The uncompressed kernel (ELF) inside a bzImage, for qemu's PVH direct boot.
# Falls back to a copy of the bzImage (qemu boots both) when the kernel has
# no PVH entry point or the payload cannot be found.
extract_vmlinux() {
	local img=$1 dst=$2 spec re tool off
	if [ -r "/boot/config-$kver" ] && ! grep -q '^CONFIG_PVH=y' "/boot/config-$kver"; then
		say "kernel $kver has no PVH entry point: vmlinux is a copy of vmlinuz (slower boot under TCG)"
		cp "$img" "$dst"
		return 0
	fi
	for spec in '\xFD\x37\x7A\x58\x5A\x00|xz -dc' '\x28\xB5\x2F\xFD|zstd -qdc' '\x1F\x8B\x08|gzip -dc'; do
		re=${spec%%|*}
		tool=${spec#*|}
		command -v "${tool%% *}" >/dev/null || continue
		for off in $(LC_ALL=C grep -aboP "$re" "$img" 2>/dev/null | head -n 5 | cut -d: -f1); do
			tail -c "+$((off + 1))" "$img" | $tool >"$dst" 2>/dev/null || true # (trailing data)
			if [ "$(head -c 4 "$dst" | od -An -tx1 | tr -d ' ')" = 7f454c46 ]; then
				return 0
			fi
		done
	done
	say "no compressed ELF found in $img: vmlinux is a copy of vmlinuz (slower boot under TCG)"
	cp "$img" "$dst"
}

# --- initramfs -----------------------------------------------------------------
ir=$build/initramfs
mkdir -p "$ir"/{bin,dev,proc,sys,newroot,etc,lib/modules}
install -m 0755 "$busybox_bin" "$ir/bin/busybox"
busybox_links "$ir"
install -m 0755 "$gi/init" "$ir/init"
: >"$ir/etc/modules.order"
for m in "${mod_order[@]}"; do
	src=$(modinfo -k "$kver" -n "$m")
	case "$src" in
	*.ko) install -m 0644 "$src" "$ir/lib/modules/$m.ko" ;;
	*.ko.xz) xz -dc "$src" >"$ir/lib/modules/$m.ko" ;;
	*.ko.zst) zstd -qdc "$src" >"$ir/lib/modules/$m.ko" ;;
	*.ko.gz) gzip -dc "$src" >"$ir/lib/modules/$m.ko" ;;
	*) die "unexpected module file $src" ;;
	esac
	echo "$m" >>"$ir/etc/modules.order"
done
find "$ir" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
(cd "$ir" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible) | gzip -9 -n >"$build/initrd.img"

# --- root filesystem -------------------------------------------------------------
rf=$build/rootfs
mkdir -p "$rf"/{bin,sbin,usr/bin,usr/sbin,lib,lib64,dev,proc,sys,run,tmp,root,mnt,var/log,var/lib}
mkdir -p "$rf"/etc/{network,tiny,udhcpc,dropbear} "$rf/usr/share/udhcpc"
chmod 1777 "$rf/tmp"
chmod 0700 "$rf/root"
ln -s ../run "$rf/var/run"
ln -s ../run/lock "$rf/var/lock"
install -m 0755 "$busybox_bin" "$rf/bin/busybox"
install -m 0755 "$qga_bin" "$rf/usr/sbin/qemu-ga"
install -m 0755 "$dropbear_bin" "$rf/usr/sbin/dropbear"
install -m 0755 "$dropbearconvert_bin" "$rf/usr/bin/dropbearconvert"
busybox_links "$rf"
for l in "${guest_libs[@]}"; do
	mkdir -p "$rf$(dirname "$l")"
	install -m 0755 "$(readlink -f "$l")" "$rf$l"
done
install -m 0755 "$gi/rc" "$rf/etc/tiny/rc"
install -m 0755 "$gi/agent-watch" "$rf/etc/tiny/agent-watch"
install -m 0644 "$gi/inittab" "$rf/etc/inittab"
install -m 0755 "$gi/udhcpc.script" "$rf/etc/udhcpc/default.script"
ln -s ../../../etc/udhcpc/default.script "$rf/usr/share/udhcpc/default.script"
echo tiny >"$rf/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$rf/etc/hosts"
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' >"$rf/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' >"$rf/etc/group"
printf '/bin/sh\n' >"$rf/etc/shells"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rf/etc/nsswitch.conf"
: >"$rf/etc/resolv.conf"
printf 'tiny vlab guest image, built by vm-images/tiny/build.sh\nkernel %s\n%s\n' \
	"$kver" "$(pkg_versions)" >"$rf/etc/tiny/release"
# /etc/network stays EMPTY on purpose: a guest only gets an address when vlab
# writes /etc/network/interfaces (rc creates the if-*.d hook dirs at boot).
find "$rf" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# Pinned mke2fs settings (not the host's /etc/mke2fs.conf) for reproducibility.
cat >"$build/mke2fs.conf" <<'EOF'
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
MKE2FS_CONFIG=$build/mke2fs.conf mke2fs -q -F -t ext4 -T default -L tiny -m 0 \
	-U "$fs_uuid" -E "root_owner=0:0,hash_seed=$fs_hash_seed,lazy_itable_init=0" \
	-d "$rf" "$build/disk.raw" "$disk_size" >/dev/null
# mke2fs -d copies each file's ctime (and, not as root, the builder's uid/gid):
# set them with one debugfs batch so the filesystem is reproducible.
(cd "$rf" && find . | sed -e 's|^\.||' -e 's|^$|/|' | LC_ALL=C sort) >"$build/paths"
echo /lost+found >>"$build/paths"
awk -v t="@$SOURCE_DATE_EPOCH" -v chown="$([ "$(id -u)" = 0 ] && echo 0 || echo 1)" '{
	printf "sif \"%s\" ctime %s\n", $0, t
	if (chown) printf "sif \"%s\" uid 0\nsif \"%s\" gid 0\n", $0, $0
}' "$build/paths" >"$build/fixup.debugfs"
debugfs -w -f "$build/fixup.debugfs" "$build/disk.raw" >"$build/debugfs.log" 2>&1 ||
	die "debugfs could not fix up times/owners: $(tail -n 3 "$build/debugfs.log")"
# The superblock counts the kilobytes ever written, which depends on the batch
# above: reset it (this last, fixed-size session adds the same amount always).
debugfs -w -R "ssv kbytes_written 0" "$build/disk.raw" >>"$build/debugfs.log" 2>&1 ||
	die "debugfs could not reset kbytes_written"
qemu-img convert -q -f raw -O qcow2 "$build/disk.raw" "$build/disk.qcow2"

install -m 0644 "$vmlinuz" "$build/vmlinuz"
extract_vmlinux "$vmlinuz" "$build/vmlinux"
touch -d "@$SOURCE_DATE_EPOCH" "$build/vmlinuz" "$build/vmlinux" "$build/initrd.img" "$build/disk.qcow2"
chmod 0644 "$build/vmlinux" "$build/initrd.img" "$build/disk.qcow2"

# Replace the outputs (a running guest keeps its open base file).
mv -f "$build/disk.qcow2" "$out/disk.qcow2"
mv -f "$build/vmlinuz" "$out/vmlinuz"
mv -f "$build/vmlinux" "$out/vmlinux"
mv -f "$build/initrd.img" "$out/initrd.img"
{
	echo "$inputs_hash"
	echo "kernel $kver"
	echo "modules ${mod_order[*]}"
	pkg_versions
} >"$out/.stamp"

end=$(date +%s.%N)
awk -v s="$start" -v e="$end" -v o="$out" \
	'BEGIN{printf "tiny image built in %.1fs: %s/{disk.qcow2,vmlinux,vmlinuz,initrd.img}\n", e-s, o}'
(cd "$out" && sha256sum disk.qcow2 vmlinux vmlinuz initrd.img | sed 's/^/tiny: /' >&2)
