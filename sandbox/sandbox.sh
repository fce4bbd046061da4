#!/usr/bin/env bash
# Run a command inside a throw-away sandbox: private network, mount and PID
# namespaces with their own libvirtd, so that bridges, iptables rules,
# sysctls, libvirt networks/domains and vlab's state never reach the host.
#
#   sandbox/sandbox.sh [--keep-going] -- CMD [ARGS...]   (scripts/sandbox.sh in the checkout; `vlab test` runs it)
#
# Prints only "sandbox: ready in X.Xs" (stderr) besides CMD's own output.
# Exit status: CMD's; 125 when the sandbox itself could not be set up;
# 128+N when the sandbox was stopped by signal N.
#
# --keep-going   optional setup steps that fail (dbus-daemon, the private
#                copies of /etc/network, /etc/systemd/system, /etc/iptables)
#                only print a warning instead of aborting.
#
# Inside: LIBVIRT_DEFAULT_URI=qemu:///system VLAB_SANDBOX=1
#         VLAB_STATE_DIR=/var/lib/vlab (a tmpfs, mode 0755: qemu runs as
#         libvirt-qemu and must traverse to the overlays kept there)
#         VLAB_SANDBOX_LIB=<path of scripts/sandbox-lib.sh>
#         VLAB_CACHE_DIR=/var/cache/vlab (a tmpfs: vlab's image-facts cache)
# Private (tmpfs): /run, /var/lib/libvirt, /var/cache/libvirt,
#   /var/log/libvirt, /var/lib/vlab, /var/cache/vlab; the rest of /var/lib
#   and /var/cache through overlays.
# /dev/kvm: when the host's is not of group kvm (libvirt-qemu's group), a
#   private node of group kvm is bind-mounted over it, so that libvirtd keeps
#   its qemu capability cache instead of probing qemu again on every define
#   (VLAB_SANDBOX_KVM_NODE=0: leave it). It says so in $sb/setup.log.
# Private copies: /etc/libvirt (host config files, but no defined domains,
#   networks, pools, secrets or hooks), /etc/network, /etc/systemd/system,
#   /etc/iptables (when the host has them); the rest of /etc through an
#   overlay, so folders created there (e.g. /etc/iptables) stay private too.
# Every process inside (qemu included) lives in the PID namespace and is
# killed by the kernel when the sandbox ends, even if this script is
# SIGKILLed. On a normal exit, an error or SIGTERM/SIGINT/SIGHUP every running
# domain is destroyed first.
#
# A second simulated host (the two-host test bed, sandbox_peer_up in
# sandbox-lib.sh) runs the same setup in a network namespace made beforehand:
#
#   sandbox/sandbox.sh --netns /run/netns/NAME [--share DIR] -- CMD [ARGS...]
#
# --netns PATH   enter that existing network namespace (nsenter --net=PATH)
#                and unshare only the mount and PID namespaces; the rest is
#                the same (private /run, /var/lib/vlab, /etc, libvirtd, ...).
#                Its PID namespace nests in the caller's: when the caller's
#                sandbox ends, the kernel kills this one too.
# --share DIR    bind-mount DIR (which may lie under the caller's /run, which
#                the private /run hides) at /run/vlab-sandbox/share inside;
#                exported as VLAB_SANDBOX_SHARE.
set -uo pipefail

self=$(readlink -f "${BASH_SOURCE[0]}")
here=$(dirname "$self")

usage() {
	echo "usage: sandbox/sandbox.sh [--keep-going] -- CMD [ARGS...]" >&2
	exit 125
}

# ============================================================================
# Inside the namespaces (PID 1 of the new PID namespace).
# ============================================================================
inner() {
	local keep_going=$1 share=$2
	shift 2
	local sb=/run/vlab-sandbox
	local cmd_pid= rc
	exec 3<&0 </dev/null # CMD gets the sandbox's stdin; the daemons do not

	fail() {
		echo "sandbox: error: $*" >&2
		if [ -s "$sb/setup.log" ]; then
			echo "sandbox: --- setup log ---" >&2
			tail -n 40 "$sb/setup.log" >&2
		fi
		if [ -s /var/log/libvirt/libvirtd.log ]; then
			echo "sandbox: --- libvirtd log ---" >&2
			tail -n 40 /var/log/libvirt/libvirtd.log >&2
		fi
		exit 125
	}
	optional() { # optional DESCRIPTION CMD...: an optional step
		local what=$1
		shift
		"$@" >>"$sb/setup.log" 2>&1 && return 0
		[ "$keep_going" = 1 ] || fail "$what failed (use --keep-going to continue without it)"
		echo "sandbox: warning: $what failed, continuing (--keep-going)" >&2
	}
	must() { # must DESCRIPTION CMD...
		local what=$1
		shift
		"$@" >>"$sb/setup.log" 2>&1 || fail "$what failed"
	}
	# A tmpfs over DIR that recreates DIR's sub-folders (same owner and mode),
	# but no files.
	tmpfs_skeleton() {
		local dir=$1 d
		if [ ! -d "$dir" ]; then
			mkdir -p "$dir" || return 1
		fi
		local mode
		mode=$(stat -c %a "$dir")
		local tree
		tree=$(cd "$dir" && find . -mindepth 1 -type d -printf '%P\t%m\t%u\t%g\n' 2>/dev/null)
		mount -t tmpfs -o "mode=$mode" tmpfs "$dir" || return 1
		while IFS=$'\t' read -r d m u g; do
			[ -n "$d" ] || continue
			mkdir -p "$dir/$d" && chmod "$m" "$dir/$d" && chown "$u:$g" "$dir/$d"
		done <<<"$tree"
	}
	# A private copy of DIR: copy it to a tmpfs, then bind-mount the copy over it.
	private_copy() {
		local dir=$1 name
		name=copies/$(echo "${dir#/}" | tr / _)
		mkdir -p "$sb/$name" && cp -a "$dir/." "$sb/$name/" && mount --bind "$sb/$name" "$dir"
	}
	# When /dev/kvm exists but its group is not kvm (root:ssl-cert 0660 on the
	# development machines, while libvirt-qemu is in group kvm), libvirtd's
	# capability probe (as root) sees KVM but its later check as the qemu user
	# does not, so it throws its capability cache away and probes qemu again on
	# every define (~10 s each). A private node of group kvm, bind-mounted over
	# /dev/kvm in this mount namespace, keeps the cache valid. Guests still run
	# under whatever vlab's accel detection picks (TCG where kvm_pvm is loaded):
	# this changes who may open the device, not which accelerator is used.
	# VLAB_SANDBOX_KVM_NODE=0 leaves /dev/kvm as it is (to measure the cost).
	kvm_node() {
		local log=$sb/setup.log group was node=$sb/dev/kvm
		if [ "${VLAB_SANDBOX_KVM_NODE:-1}" = 0 ]; then
			echo "kvm: VLAB_SANDBOX_KVM_NODE=0: /dev/kvm left as it is" >>"$log"
			return 0
		fi
		if [ ! -c /dev/kvm ]; then
			echo "kvm: no /dev/kvm: nothing to do" >>"$log"
			return 0
		fi
		group=$(stat -c %G /dev/kvm)
		was=$(stat -c '%U:%G %a' /dev/kvm)
		if [ "$group" = kvm ]; then
			echo "kvm: /dev/kvm is $was already: nothing to do" >>"$log"
			return 0
		fi
		if ! getent group kvm >/dev/null; then
			echo "kvm: /dev/kvm is $was and there is no group kvm: left as it is" >>"$log"
			return 0
		fi
		# On a tmpfs of its own: /run is nodev, where a device node cannot be opened.
		must "tmpfs for the private /dev/kvm node" mkdir -p "$sb/dev"
		must "tmpfs for the private /dev/kvm node" mount -t tmpfs -o mode=0755,nosuid,size=64k tmpfs "$sb/dev"
		# (the host's own device numbers: 10 232, the misc device kvm)
		must "private /dev/kvm node" mknod -m 0660 "$node" c "$(stat -c %Hr /dev/kvm)" "$(stat -c %Lr /dev/kvm)"
		must "private /dev/kvm node" chgrp kvm "$node"
		must "bind-mount of the private /dev/kvm node" mount --bind "$node" /dev/kvm
		echo "kvm: /dev/kvm is $was on the host; bind-mounted a private node over it (c $(stat -c '%Hr,%Lr %U:%G %a' /dev/kvm)) so that libvirt's capability cache stays valid" >>"$log"
	}
	destroy_domains() {
		command -v virsh >/dev/null || return 0
		[ -S /run/libvirt/libvirt-sock ] || return 0
		local d
		for d in $(timeout 20 virsh -c qemu:///system list --name 2>/dev/null); do
			timeout 20 virsh -c qemu:///system destroy "$d" >/dev/null 2>&1
		done
	}
	on_exit() {
		trap - EXIT TERM INT HUP
		if [ -n "$cmd_pid" ] && kill -0 "$cmd_pid" 2>/dev/null; then
			kill -TERM "$cmd_pid" 2>/dev/null
			for _ in 1 2 3 4 5 6 7 8 9 10; do
				kill -0 "$cmd_pid" 2>/dev/null || break
				sleep 0.2
			done
		fi
		destroy_domains
		# The kernel kills every remaining process of the PID namespace when
		# this (its PID 1) exits.
	}
	on_signal() {
		local sig=$1
		on_exit
		exit $((128 + sig))
	}
	trap on_exit EXIT
	trap 'on_signal 15' TERM
	trap 'on_signal 2' INT
	trap 'on_signal 1' HUP

	# --- mounts ---------------------------------------------------------------
	mount --make-rprivate / || { echo "sandbox: error: mount --make-rprivate / failed" >&2; exit 125; }
	# --share: hold DIR as the working directory while the private /run
	# covers it, then bind-mount it from there ("." is resolved through the
	# working directory, not through the now hidden path).
	local owd=$PWD
	if [ -n "$share" ]; then
		cd "$share" || { echo "sandbox: error: --share $share: no such folder" >&2; exit 125; }
	fi
	mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /run || { echo "sandbox: error: tmpfs on /run failed" >&2; exit 125; }
	mkdir -p "$sb" /run/libvirt /run/dbus /run/lock /run/netns /run/user /run/network
	chmod 1777 /run/lock
	: >"$sb/setup.log"
	if [ -n "$share" ]; then
		must "bind-mount of --share $share" mkdir -p "$sb/share"
		must "bind-mount of --share $share" mount --no-canonicalize --bind . "$sb/share"
		cd "$owd" 2>/dev/null || cd /
		export VLAB_SANDBOX_SHARE=$sb/share
	fi

	# /var/lib through an overlay (upper layer in a tmpfs): mount points such
	# as /var/lib/vlab, dnsmasq leases or a dbus machine-id can be created here
	# without creating anything on the host.
	mkdir -p "$sb/varlib/upper" "$sb/varlib/work"
	if ! mount -t overlay overlay -o "lowerdir=/var/lib,upperdir=$sb/varlib/upper,workdir=$sb/varlib/work" /var/lib >>"$sb/setup.log" 2>&1; then
		echo "sandbox: warning: no overlay on /var/lib; creating missing mount points on the host" >&2
	fi
	must "tmpfs on /var/lib/libvirt" tmpfs_skeleton /var/lib/libvirt
	must "tmpfs on /var/log/libvirt" tmpfs_skeleton /var/log/libvirt
	mkdir -p /var/lib/libvirt/{qemu,images,boot,dnsmasq,network,filesystems,lockd} /var/cache/libvirt/qemu /var/log/libvirt/qemu
	must "tmpfs on /var/lib/vlab" mkdir -p /var/lib/vlab
	must "tmpfs on /var/lib/vlab" mount -t tmpfs -o mode=0755 tmpfs /var/lib/vlab

	# /var/cache through an overlay too, and vlab's own cache folder (image
	# facts) a tmpfs: a test never reads or writes the host's cache.
	mkdir -p "$sb/varcache/upper" "$sb/varcache/work"
	if ! mount -t overlay overlay -o "lowerdir=/var/cache,upperdir=$sb/varcache/upper,workdir=$sb/varcache/work" /var/cache >>"$sb/setup.log" 2>&1; then
		echo "sandbox: warning: no overlay on /var/cache; creating missing mount points on the host" >&2
	fi
	must "tmpfs on /var/cache/vlab" mkdir -p /var/cache/vlab
	must "tmpfs on /var/cache/vlab" mount -t tmpfs -o mode=0755 tmpfs /var/cache/vlab

	# /etc through an overlay as well (upper layer in a tmpfs): a file or
	# folder created under /etc (vlab persist's /etc/iptables where the host
	# has none) stays inside, like the private copies below.
	mkdir -p "$sb/etc/upper" "$sb/etc/work"
	if ! mount -t overlay overlay -o "lowerdir=/etc,upperdir=$sb/etc/upper,workdir=$sb/etc/work" /etc >>"$sb/setup.log" 2>&1; then
		echo "sandbox: warning: no overlay on /etc; only the private copies below are private" >&2
	fi

	# /etc/libvirt: the host's configuration files, without its defined
	# domains, networks, pools, secrets or hooks (an autostarted host domain
	# must never boot here on the host's disks).
	must "private /etc/libvirt" private_copy /etc/libvirt
	local e=/etc/libvirt
	rm -rf "$e"/qemu/*.xml "$e"/qemu/autostart "$e"/qemu/networks/*.xml "$e"/qemu/networks/autostart/* \
		"$e"/storage "$e"/secrets "$e"/hooks "$e"/lxc "$e"/nodedev 2>/dev/null
	mkdir -p "$e/qemu/networks/autostart"
	# No cgroups (the host's hierarchy is shared: a killed sandbox would leave
	# machine/ groups behind) and no AppArmor/SELinux profiles (global too).
	# (libvirt uses the first occurrence of a key: comment out the host's own
	# settings of these, including multi-line [ ... ] values)
	awk '
		skip { print "#" $0; if ($0 ~ /\]/) skip = 0; next }
		/^[ \t]*(cgroup_controllers|security_driver)[ \t]*=/ {
			print "#" $0
			if ($0 ~ /\[/ && $0 !~ /\]/) skip = 1
			next
		}
		{ print }
	' "$e/qemu.conf" >"$sb/qemu.conf" && cat "$sb/qemu.conf" >"$e/qemu.conf"
	cat >>"$e/qemu.conf" <<-'EOF'

		# --- added by vlab scripts/sandbox.sh (private copy) ---
		cgroup_controllers = [ ]
		security_driver = "none"
	EOF
	local d
	for d in /etc/network /etc/systemd/system /etc/iptables; do
		[ -d "$d" ] && optional "private $d" private_copy "$d"
	done

	# /dev/kvm for libvirt's capability cache (before libvirtd starts).
	kvm_node

	# --- network, daemons -----------------------------------------------------
	ip link set lo up

	if [ ! -s /etc/machine-id ] && [ ! -s /var/lib/dbus/machine-id ]; then
		mkdir -p /var/lib/dbus && dbus-uuidgen >/var/lib/dbus/machine-id 2>/dev/null
	fi
	optional "dbus-daemon --system" dbus-daemon --system --fork
	must "virtlogd" virtlogd -d
	LIBVIRT_LOG_OUTPUTS="3:file:/var/log/libvirt/libvirtd.log" must "libvirtd" libvirtd -d

	local deadline=$((SECONDS + 60))
	until virsh -c qemu:///system version >/dev/null 2>&1; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			fail "libvirtd did not answer within 60s"
		fi
		sleep 0.1
	done

	export LIBVIRT_DEFAULT_URI=qemu:///system VLAB_SANDBOX=1 VLAB_STATE_DIR=/var/lib/vlab VLAB_CACHE_DIR=/var/cache/vlab
	export VLAB_SANDBOX_LIB=$here/sandbox-lib.sh
	awk -v s="${VLAB_SANDBOX_T0:-0}" -v e="$(date +%s.%N)" \
		'BEGIN{printf "sandbox: ready in %.1fs\n", (s > 0 ? e - s : 0)}' >&2
	unset VLAB_SANDBOX_T0

	# --- the command ------------------------------------------------------------
	# In the background so that the traps run as soon as a signal arrives;
	# its stdin is the sandbox's stdin (fd 3).
	"$@" <&3 3<&- &
	cmd_pid=$!
	exec 3<&-
	wait "$cmd_pid"
	rc=$?
	# wait is also interrupted by a trapped signal: on_signal exits then.
	cmd_pid=
	exit "$rc"
}

# ============================================================================
# Outside.
# ============================================================================
if [ "${1:-}" = "--inner" ]; then
	shift
	inner "$@"
	exit 125
fi

keep_going=0 netns= share=
while [ $# -gt 0 ]; do
	case "$1" in
	--keep-going) keep_going=1; shift ;;
	--netns) [ $# -ge 2 ] || usage; netns=$2; shift 2 ;;
	--share) [ $# -ge 2 ] || usage; share=$2; shift 2 ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*) echo "sandbox: unknown option '$1'" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || usage

if [ "$(id -u)" != 0 ]; then
	echo "sandbox: error: needs root (it creates namespaces and runs a private libvirtd)" >&2
	exit 125
fi
for c in unshare setpriv libvirtd virtlogd virsh ip; do
	command -v "$c" >/dev/null || {
		echo "sandbox: error: '$c' not found (apt-get install util-linux libvirt-daemon-system libvirt-clients iproute2)" >&2
		exit 125
	}
done
if [ -n "$netns" ]; then
	command -v nsenter >/dev/null || {
		echo "sandbox: error: 'nsenter' not found (apt-get install util-linux)" >&2
		exit 125
	}
	[ -e "$netns" ] || {
		echo "sandbox: error: --netns $netns: no such network namespace" >&2
		exit 125
	}
fi
if [ -n "$share" ]; then
	[ -d "$share" ] || {
		echo "sandbox: error: --share $share: no such folder" >&2
		exit 125
	}
	share=$(readlink -f "$share")
fi

export VLAB_SANDBOX_T0=${VLAB_SANDBOX_T0:-$(date +%s.%N)}

# setpriv --pdeathsig: unshare gets SIGKILL when this script dies (even by
# SIGKILL); unshare --kill-child then kills the namespace's PID 1, and the
# kernel kills everything else inside. unshare itself ignores SIGTERM/SIGINT,
# so this script forwards them to PID 1 of the sandbox.
# (--netns: nsenter joins the network namespace, then execs unshare, which
# makes the mount and PID namespaces: the same process chain otherwise.)
if [ -n "$netns" ]; then
	ns=(nsenter --net="$netns" -- unshare --mount --pid --fork --kill-child --mount-proc --propagation private --)
else
	ns=(unshare --net --mount --pid --fork --kill-child --mount-proc --propagation private --)
fi
exec 3<&0
setpriv --pdeathsig KILL -- \
	"${ns[@]}" \
	bash "$self" --inner "$keep_going" "$share" "$@" <&3 &
upid=$!
exec 3<&-

forward() {
	local sig=$1 child
	child=$(pgrep -P "$upid" 2>/dev/null | head -n 1)
	if [ -n "$child" ]; then
		kill -"$sig" "$child" 2>/dev/null
	else
		kill -KILL "$upid" 2>/dev/null
	fi
	# Give the sandbox 30s to destroy its domains, then kill it.
	if [ -z "$killer" ]; then
		# (stdio on /dev/null: it must not keep the caller's pipes open)
		(
			sleep 30 &
			s=$!
			trap 'kill "$s"; exit 0' TERM
			wait "$s" && kill -KILL "$upid"
		) </dev/null >/dev/null 2>&1 &
		killer=$!
	fi
}
killer=
trap 'forward TERM' TERM
trap 'forward TERM' INT
trap 'forward TERM' HUP

while :; do
	wait "$upid"
	rc=$?
	# wait returns >128 when interrupted by a trapped signal: wait again.
	kill -0 "$upid" 2>/dev/null || break
done
[ -n "$killer" ] && kill "$killer" 2>/dev/null
exit "$rc"
