#!/usr/bin/env bash
# Helpers for use INSIDE sandbox/sandbox.sh (by `vlab test`, tests and the demo):
#
#   source "$VLAB_SANDBOX_LIB"        # or: source scripts/sandbox-lib.sh
#   sandbox_outside_up [NAME=outside] [HOST_SIDE=198.18.0.1/24] [PEER=198.18.0.2/24] [TARGET...]
#   sandbox_lan_up [NAME=lan] [IFNAME=eth0]
#   sandbox_snapshot FILE
#
# They refuse to run outside a sandbox (VLAB_SANDBOX=1), since they change
# the network of the namespace they run in. Every address used here lives in
# a namespace the sandbox created: 198.18.0.0/15 (RFC 2544, network testing)
# and 192.0.2.0/24 (RFC 5737, TEST-NET-1).

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
	} >"$file"
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
