#!/usr/bin/env bash
# Helpers for use INSIDE sandbox/sandbox.sh (by `vlab test`, tests and the demo):
#
#   source "$VLAB_SANDBOX_LIB"        # or: source scripts/sandbox-lib.sh
#   sandbox_outside_up [NAME=outside] [HOST_SIDE=198.18.0.1/24] [PEER=198.18.0.2/24] [TARGET...]
#   sandbox_lan_up [NAME=lan] [IFNAME=eth0]
#   sandbox_snapshot FILE
#   sandbox_peer_up [NAME=hostb] [LOCAL=198.19.0.1/24] [PEER=198.19.0.2/24]
#   sandbox_peer_ssh NAME CMD...
#   sandbox_peer_snapshot NAME FILE
#   sandbox_peer_cut NAME / sandbox_peer_mend NAME
#   sandbox_peer_down NAME
#
# They refuse to run outside a sandbox (VLAB_SANDBOX=1), since they change
# the network of the namespace they run in. Every address used here lives in
# a namespace the sandbox created: 198.18.0.0/15 (RFC 2544, network testing)
# and 192.0.2.0/24 (RFC 5737, TEST-NET-1); the two-host test bed's underlay
# uses 198.19.0.0/24.

_sandbox_lib_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_sandbox_require() {
	if [ "${VLAB_SANDBOX:-}" != 1 ]; then
		echo "sandbox-lib: $1 must run inside the sandbox (sandbox/sandbox.sh, or vlab test) (VLAB_SANDBOX=1)" >&2
		return 1
	fi
}

# sandbox_outside_up [NAME] [HOST_SIDE] [PEER] [TARGET...]
# A namespace NAME playing "the Internet", joined to the sandbox's root
# namespace by a veth pair: "to-NAME" here (HOST_SIDE), "eth0" there (PEER).
# The outside namespace has NO default route, only its own /24: it can answer
# a lab guest only if the lab host MASQUERADEd the guest's traffic (source
# rewritten to HOST_SIDE); traffic from an isolated network gets no reply.
# Exports SANDBOX_OUTSIDE_NS, SANDBOX_OUTSIDE_IF (sandbox side),
# SANDBOX_OUTSIDE_IP (peer address, no prefix), SANDBOX_OUTSIDE_HOST_IP.
sandbox_outside_up() {
	_sandbox_require sandbox_outside_up || return 1
	local name=${1:-outside} host=${2:-198.18.0.1/24} peer=${3:-198.18.0.2/24}
	shift 3 2>/dev/null || shift $#
	local ifname
	ifname=to-$name
	ifname=${ifname:0:15}
	ip netns add "$name" || return 1
	ip link add "$ifname" type veth peer name eth0 netns "$name" || return 1
	ip addr add "$host" dev "$ifname" || return 1
	ip link set "$ifname" up || return 1
	ip -n "$name" link set lo up || return 1
	ip -n "$name" addr add "$peer" dev eth0 || return 1
	ip -n "$name" link set eth0 up || return 1
	# More targets (`vlab test`'s test.outside): each a /32 on the outside's
	# eth0, reached from here by a host route over the veth.
	local extra
	for extra in "$@"; do
		[ "$extra" = "${peer%/*}" ] && continue
		ip -n "$name" addr add "$extra/32" dev eth0 || return 1
		ip route add "$extra/32" dev "$ifname" || return 1
	done
	export SANDBOX_OUTSIDE_NS=$name SANDBOX_OUTSIDE_IF=$ifname
	export SANDBOX_OUTSIDE_IP=${peer%/*} SANDBOX_OUTSIDE_HOST_IP=${host%/*}
}

# sandbox_lan_up [NAME] [IFNAME]
# A "LAN" namespace NAME behind a veth whose sandbox-side end is named IFNAME
# (default eth0, playing the host's physical NIC) and whose far end is lan0 (192.0.2.1/24)
# with a DHCP server (dnsmasq, range 192.0.2.100-200, no DNS). The sandbox's
# eth0 gets its address and default route (via 192.0.2.1) by DHCP.
# Exports SANDBOX_LAN_NS, SANDBOX_LAN_IF=eth0, SANDBOX_LAN_GW=192.0.2.1,
# SANDBOX_LAN_IP (the leased address), SANDBOX_LAN_PREFIX=24,
# SANDBOX_LAN_DHCP_RANGE="192.0.2.100 192.0.2.200".
sandbox_lan_up() {
	_sandbox_require sandbox_lan_up || return 1
	local name=${1:-lan} nic=${2:-eth0}
	local dir=/run/vlab-sandbox/lan-$name
	local dnsmasq
	dnsmasq=$(command -v dnsmasq || echo /usr/sbin/dnsmasq)
	[ -x "$dnsmasq" ] || { echo "sandbox-lib: dnsmasq not found (apt-get install dnsmasq-base)" >&2; return 1; }
	mkdir -p "$dir" || return 1
	ip netns add "$name" || return 1
	ip link add "$nic" type veth peer name lan0 netns "$name" || return 1
	ip -n "$name" link set lo up || return 1
	ip -n "$name" addr add 192.0.2.1/24 dev lan0 || return 1
	ip -n "$name" link set lan0 up || return 1
	ip netns exec "$name" "$dnsmasq" --conf-file=/dev/null --port=0 --user=root \
		--interface=lan0 --bind-interfaces --dhcp-authoritative \
		--dhcp-range=192.0.2.100,192.0.2.200,12h --dhcp-option=option:router,192.0.2.1 \
		--dhcp-leasefile="$dir/leases" --pid-file="$dir/dnsmasq.pid" \
		--log-facility="$dir/dnsmasq.log" || return 1
	cat >"$dir/udhcpc.script" <<-'EOF'
		#!/bin/sh
		case "$1" in
		deconfig) ip -4 addr flush dev "$interface"; ip link set dev "$interface" up ;;
		bound | renew)
			ip -4 addr flush dev "$interface"
			ip addr add "$ip/${mask:-24}" dev "$interface"
			[ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
			echo "$ip" >"${SANDBOX_LAN_DIR:?}/address"
			;;
		esac
		exit 0
	EOF
	chmod 755 "$dir/udhcpc.script"
	ip link set "$nic" up || return 1
	# -q: quit once leased (no daemon left behind); the lease lasts 12h.
	SANDBOX_LAN_DIR=$dir busybox udhcpc -i "$nic" -s "$dir/udhcpc.script" -q -n -t 10 -T 1 -A 1 \
		>"$dir/udhcpc.log" 2>&1 || {
		echo "sandbox-lib: no DHCP lease on $nic:" >&2
		cat "$dir/udhcpc.log" "$dir/dnsmasq.log" >&2
		return 1
	}
	export SANDBOX_LAN_NS=$name SANDBOX_LAN_IF=$nic SANDBOX_LAN_GW=192.0.2.1 SANDBOX_LAN_PREFIX=24
	export SANDBOX_LAN_IP
	SANDBOX_LAN_IP=$(cat "$dir/address")
	export SANDBOX_LAN_DHCP_RANGE="192.0.2.100 192.0.2.200"
}

# sandbox_snapshot FILE
# The host state vlab may change, in a deterministic text form: two snapshots
# can be compared with diff. IPv6 link-local addresses and address lifetimes
# are left out (they change on their own).
sandbox_snapshot() {
	local file=${1:?usage: sandbox_snapshot FILE}
	_sandbox_snapshot_text >"$file"
}

_sandbox_snapshot_text() {
	{
		echo "== links"
		ip -j link | _sandbox_json link
		echo "== addresses"
		{ ip -4 -j addr; ip -6 -j addr show scope global; } | _sandbox_json addr
		echo "== routes"
		ip -j route | _sandbox_json route
		echo "== iptables"
		_sandbox_iptables iptables-save
		echo "== ip6tables"
		_sandbox_iptables ip6tables-save
		echo "== sysctl"
		echo "net.ipv4.ip_forward=$(sysctl -n net.ipv4.ip_forward)"
		echo "== libvirt networks"
		virsh -c qemu:///system net-list --all --name 2>&1 | sed '/^$/d' | LC_ALL=C sort
		echo "== libvirt domains"
		virsh -c qemu:///system list --all --name 2>&1 | sed '/^$/d' | LC_ALL=C sort
		echo "== ${VLAB_STATE_DIR:-/var/lib/vlab}"
		if [ -d "${VLAB_STATE_DIR:-/var/lib/vlab}" ]; then
			(cd "${VLAB_STATE_DIR:-/var/lib/vlab}" && find . -mindepth 1 -printf '%P %y %m\n' | LC_ALL=C sort)
		else
			echo "(absent)"
		fi
	}
}

_sandbox_iptables() {
	if command -v "$1" >/dev/null && "$1" >/dev/null 2>&1; then
		"$1" | { grep -v '^#' || true; } | sed 's/\[[0-9]*:[0-9]*\]//'
	else
		echo "($1 unavailable)"
	fi
}

# Normalise `ip -j` output (one or more JSON arrays on stdin): one object per
# line, without volatile fields.
_sandbox_json() {
	node -e '
		const kind = process.argv[1];
		const drop = new Set(["stats", "stats64", "valid_life_time", "preferred_life_time"]);
		const clean = (v) => Array.isArray(v) ? v.map(clean)
			: v && typeof v === "object"
				? Object.fromEntries(Object.entries(v).filter(([k]) => !drop.has(k)).map(([k, x]) => [k, clean(x)]))
				: v;
		let text = "";
		process.stdin.on("data", (d) => (text += d));
		process.stdin.on("end", () => {
			const rows = [];
			// several arrays may be concatenated ("[...]\n[...]")
			for (const part of text.split(/\n(?=\[)/)) {
				if (part.trim()) rows.push(...JSON.parse(part));
			}
			for (const r of rows) {
				const c = clean(r);
				if (kind === "addr") {
					c.addr_info = (c.addr_info || []).filter((a) => !(a.family === "inet6" && a.scope === "link"));
					if (!c.addr_info.length) continue;
				}
				console.log(JSON.stringify(c));
			}
		});
	' "$1"
}

# ============================================================================
# The two-host test bed: a second simulated host ("host B") for multi-host
# labs. The sandbox plays host A (the controller, where vlab runs).
# ============================================================================

# sandbox_peer_up [NAME=hostb] [LOCAL=198.19.0.1/24] [PEER=198.19.0.2/24]
# Host B: its own network namespace NAME, joined to this one by a veth
# "underlay" (to-NAME here with LOCAL, eth0 there with PEER; lo up, no default
# route), and its own mount and PID namespaces set up by sandbox.sh --netns
# (the same private /run, /var/lib/vlab, /var/cache/vlab, /etc, /dev/kvm,
# dbus, virtlogd and libvirtd as this sandbox), running OpenSSH's sshd on
# PEER:22 (key auth only, root by key). The sshd comes from
# /var/cache/vlab-testbed/openssh, extracted by scripts/bootstrap.sh.
# Keys, known_hosts and B's log (log) live in /run/vlab-sandbox/peer-NAME/.
# Returns once ssh reaches B's libvirtd (within 60 s, else B's log and 1).
# Exports SANDBOX_PEER_NAME, SANDBOX_PEER_IP, SANDBOX_PEER_LOCAL_IP,
# SANDBOX_PEER_KEY (client private key), SANDBOX_PEER_KNOWN_HOSTS,
# SANDBOX_PEER_PID (PID, as seen here, of B's PID 1: nsenter -t it -n -m -p),
# SANDBOX_PEER_IF (to-NAME), SANDBOX_PEER_DIR, SANDBOX_PEER_SSH (an ssh
# command line without the destination: $SANDBOX_PEER_SSH root@$SANDBOX_PEER_IP CMD).
# B's processes live in a PID namespace nested in the sandbox's: they die
# with the sandbox, even when sandbox.sh is SIGKILLed.
sandbox_peer_up() {
	_sandbox_require sandbox_peer_up || return 1
	local name=${1:-hostb} local_cidr=${2:-198.19.0.1/24} peer_cidr=${3:-198.19.0.2/24}
	local dir=/run/vlab-sandbox/peer-$name ifname=to-$name
	ifname=${ifname:0:15}
	local ip=${peer_cidr%/*} sshd=${VLAB_TESTBED_SSHD:-/var/cache/vlab-testbed/openssh/run-sshd}
	if [ ! -x "$sshd" ]; then
		echo "sandbox-lib: $sshd not found: run scripts/bootstrap.sh as root (it extracts openssh-server there)" >&2
		return 1
	fi
	if [ -e "/run/netns/$name" ]; then
		echo "sandbox-lib: sandbox_peer_up: network namespace $name exists already" >&2
		return 1
	fi
	rm -rf "$dir"
	mkdir -p "$dir/share" || return 1
	chmod 0755 "$dir" "$dir/share"
	# B's host key (handed to B through --share) and the client's key pair.
	ssh-keygen -q -t ed25519 -N '' -C "vlab-testbed-$name" -f "$dir/share/ssh_host_ed25519_key" || return 1
	ssh-keygen -q -t ed25519 -N '' -C "vlab-testbed-client" -f "$dir/id_ed25519" || return 1
	cp "$dir/id_ed25519.pub" "$dir/share/authorized_keys" || return 1
	echo "$ip $(cut -d' ' -f1,2 "$dir/share/ssh_host_ed25519_key.pub")" >"$dir/known_hosts" || return 1
	# The underlay.
	ip netns add "$name" || return 1
	ip link add "$ifname" type veth peer name eth0 netns "$name" || return 1
	ip addr add "$local_cidr" dev "$ifname" || return 1
	ip link set "$ifname" up || return 1
	ip -n "$name" link set lo up || return 1
	ip -n "$name" addr add "$peer_cidr" dev eth0 || return 1
	ip -n "$name" link set eth0 up || return 1
	# Host B. (stdin /dev/null: B must not read the caller's input)
	VLAB_TESTBED_SSHD=$sshd bash "$_sandbox_lib_dir/sandbox.sh" --netns "/run/netns/$name" --share "$dir/share" -- \
		bash -c 'source "$VLAB_SANDBOX_LIB" && _sandbox_peer_serve "$1"' _ "$ip" \
		</dev/null >"$dir/log" 2>&1 &
	local outer=$! pid= deadline=$((SECONDS + 60)) p q
	echo "$outer" >"$dir/outer.pid"
	echo "$ifname" >"$dir/if"
	local me
	me=$(readlink /proc/self/ns/pid)
	# SANDBOX_PEER_PID: sandbox.sh -> unshare -> B's PID 1 (in a new PID namespace).
	while [ -z "$pid" ]; do
		for p in $(pgrep -P "$outer" 2>/dev/null); do
			for q in $(pgrep -P "$p" 2>/dev/null); do
				[ "$(readlink "/proc/$q/ns/pid" 2>/dev/null)" != "$me" ] && pid=$q
			done
		done
		[ -n "$pid" ] && break
		if ! _sandbox_alive "$outer" || [ "$SECONDS" -ge "$deadline" ]; then
			_sandbox_peer_fail "$name" "host B did not start"
			return 1
		fi
		sleep 0.05
	done
	echo "$pid" >"$dir/pid"
	local -a ssh=(ssh -F none -i "$dir/id_ed25519" -o "UserKnownHostsFile=$dir/known_hosts"
		-o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=2)
	printf '%q ' "${ssh[@]}" >"$dir/ssh"
	until "${ssh[@]}" "root@$ip" virsh -c qemu:///system version >"$dir/ready.log" 2>&1; do
		if ! _sandbox_alive "$outer"; then
			_sandbox_peer_fail "$name" "host B ended"
			return 1
		fi
		if [ "$SECONDS" -ge "$deadline" ]; then
			_sandbox_peer_fail "$name" "ssh to host B's libvirtd did not answer within 60s ($(tail -n 1 "$dir/ready.log"))"
			return 1
		fi
		sleep 0.2
	done
	export SANDBOX_PEER_NAME=$name SANDBOX_PEER_IP=$ip SANDBOX_PEER_LOCAL_IP=${local_cidr%/*}
	export SANDBOX_PEER_KEY=$dir/id_ed25519 SANDBOX_PEER_KNOWN_HOSTS=$dir/known_hosts
	export SANDBOX_PEER_PID=$pid SANDBOX_PEER_IF=$ifname SANDBOX_PEER_DIR=$dir
	export SANDBOX_PEER_SSH
	SANDBOX_PEER_SSH=$(cat "$dir/ssh")
}

# sandbox_peer_ssh NAME CMD...: run CMD on host B NAME as root over ssh.
sandbox_peer_ssh() {
	local name=${1:?usage: sandbox_peer_ssh NAME CMD...}
	shift
	local dir=/run/vlab-sandbox/peer-$name
	ssh -F none -i "$dir/id_ed25519" -o "UserKnownHostsFile=$dir/known_hosts" \
		-o StrictHostKeyChecking=yes -o BatchMode=yes -o ConnectTimeout=2 \
		"root@$(cut -d' ' -f1 "$dir/known_hosts")" "$@"
}

# sandbox_peer_snapshot NAME FILE: sandbox_snapshot's text of host B (run in
# B's namespaces through nsenter: it works while the underlay is cut).
sandbox_peer_snapshot() {
	local name=${1:?usage: sandbox_peer_snapshot NAME FILE} file=${2:?usage: sandbox_peer_snapshot NAME FILE}
	local pid
	pid=$(_sandbox_peer_pid "$name") || return 1
	nsenter -t "$pid" -n -m -p -- env VLAB_SANDBOX=1 VLAB_STATE_DIR=/var/lib/vlab \
		bash -c 'source "$1" && _sandbox_snapshot_text' _ "$_sandbox_lib_dir/sandbox-lib.sh" >"$file"
}

# sandbox_peer_cut NAME: host B becomes unreachable from here (the underlay's
# near end goes down; B keeps running). sandbox_peer_mend NAME: back.
sandbox_peer_cut() {
	local name=${1:?usage: sandbox_peer_cut NAME}
	ip link set "$(cat "/run/vlab-sandbox/peer-$name/if")" down
}
sandbox_peer_mend() {
	local name=${1:?usage: sandbox_peer_mend NAME} ifname _
	ifname=$(cat "/run/vlab-sandbox/peer-$name/if") || return 1
	ip link set "$ifname" up || return 1
	for _ in $(seq 50); do
		# (not /sys/class/net: the sandbox's /sys is the host's)
		ip -o link show dev "$ifname" 2>/dev/null | grep -q ' state UP ' && return 0
		sleep 0.1
	done
	echo "sandbox-lib: sandbox_peer_mend: $ifname is not up" >&2
	return 1
}

# sandbox_peer_down NAME: stops host B as the sandbox's own exit does (SIGTERM:
# its running domains are destroyed, then its processes end), then removes
# the underlay and the network namespace. B's folder (its log) stays.
sandbox_peer_down() {
	local name=${1:?usage: sandbox_peer_down NAME}
	local dir=/run/vlab-sandbox/peer-$name outer _
	outer=$(cat "$dir/outer.pid" 2>/dev/null || true)
	if [ -n "$outer" ] && _sandbox_alive "$outer"; then
		kill -TERM "$outer" 2>/dev/null
		# (sandbox.sh gives its domains 30 s before it SIGKILLs)
		for _ in $(seq 400); do
			_sandbox_alive "$outer" || break
			sleep 0.1
		done
		_sandbox_alive "$outer" && kill -KILL "$outer" 2>/dev/null
	fi
	ip link del "$(cat "$dir/if" 2>/dev/null || echo "to-$name")" 2>/dev/null || true
	ip netns del "$name" 2>/dev/null || true
	rm -f "$dir/pid" "$dir/outer.pid"
	if [ "${SANDBOX_PEER_NAME:-}" = "$name" ]; then
		unset SANDBOX_PEER_NAME SANDBOX_PEER_IP SANDBOX_PEER_LOCAL_IP SANDBOX_PEER_KEY \
			SANDBOX_PEER_KNOWN_HOSTS SANDBOX_PEER_PID SANDBOX_PEER_IF SANDBOX_PEER_DIR SANDBOX_PEER_SSH
	fi
	return 0
}

# Whether PID runs (a zombie does not count: B's sandbox.sh is the caller's child).
_sandbox_alive() {
	local state
	state=$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)
	[ -n "$state" ] && [ "$state" != Z ]
}

_sandbox_peer_pid() {
	local pid
	pid=$(cat "/run/vlab-sandbox/peer-$1/pid" 2>/dev/null)
	if [ -z "$pid" ] || ! _sandbox_alive "$pid"; then
		echo "sandbox-lib: host B '$1' is not running (sandbox_peer_up $1)" >&2
		return 1
	fi
	echo "$pid"
}

_sandbox_peer_fail() {
	local name=$1 dir=/run/vlab-sandbox/peer-$1
	echo "sandbox-lib: sandbox_peer_up $name: $2" >&2
	echo "sandbox-lib: --- host B's log ($dir/log) ---" >&2
	tail -n 60 "$dir/log" >&2
	sandbox_peer_down "$name"
}

# Host B's command (inside its namespaces, from sandbox_peer_up): the sshd
# privilege-separation user in B's private /etc overlay, /run/sshd, login
# records kept off the host's /var/log, then sshd in the foreground.
_sandbox_peer_serve() {
	local ip=$1 share=${VLAB_SANDBOX_SHARE:?} f
	local conf=/run/vlab-sandbox/sshd_config sshd=${VLAB_TESTBED_SSHD:?}
	# (/var/log is the host's: sshd's and useradd's login records go nowhere)
	for f in /var/log/wtmp /var/log/btmp /var/log/lastlog /var/log/faillog; do
		[ -f "$f" ] && { mount --bind /dev/null "$f" || return 1; }
	done
	if ! getent passwd sshd >/dev/null; then
		useradd --system --no-log-init --no-create-home --home-dir /run/sshd --shell /usr/sbin/nologin sshd || return 1
	fi
	mkdir -p /run/sshd && chmod 0755 /run/sshd || return 1
	cat >"$conf" <<-EOF
		# vlab's two-host test bed: host B's sshd (sandbox_peer_up, sandbox/sandbox-lib.sh)
		ListenAddress $ip:22
		HostKey $share/ssh_host_ed25519_key
		AuthorizedKeysFile $share/authorized_keys
		PidFile /run/sshd.pid
		PermitRootLogin prohibit-password
		PubkeyAuthentication yes
		PasswordAuthentication no
		KbdInteractiveAuthentication no
		UsePAM no
		UseDNS no
		X11Forwarding no
		PrintMotd no
		PrintLastLog no
		MaxSessions 64
		MaxStartups 64:30:128
		LogLevel VERBOSE
		Subsystem sftp internal-sftp
	EOF
	"$sshd" -t -f "$conf" || return 1
	echo "sandbox-lib: host B: sshd on $ip:22"
	exec "$sshd" -D -e -f "$conf"
}
