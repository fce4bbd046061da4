#!/usr/bin/env bash
# Boot built Debian images and measure boot-to-agent (virsh start -> first
# guest-ping answer). Run it INSIDE the vlab sandbox (private netns + libvirtd):
#
#   bash scripts/sandbox.sh -- bash vm-images/debian/boot-test.sh [--runs N] [--mem MiB] [--kernel FILE] VARIANT...
#
# Per variant: stages a copy of the image under $VLAB_STATE_DIR (libvirt
# chowns backing files, the repository's copy stays untouched), makes a qcow2
# overlay, defines a TCG domain (one virtio NIC on a private bridge, agent
# channel, serial to a file), starts it N times on fresh overlays, and prints
# the seconds until the agent answered. After the first boot it runs a few
# commands through the agent (guest-exec) and prints their output.
# --kernel FILE: boot that file of the image folder instead of image.yaml's kernel.
# CONSOLE_DIR=DIR: keep each boot's serial console log there.
# PROBE_DELAY=S: wait S seconds after the agent answers before the probe.
# cloud-init images (netconfig: cloud-init) get a NoCloud seed ISO (label
# cidata, static 172.30.99.2/24 on the NIC) as vlab gives them; NO_SEED=1: none.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ "${VLAB_SANDBOX:-}" = 1 ] || { echo "boot-test: run me inside scripts/sandbox.sh" >&2; exit 2; }
runs=1
mem=512
kernel_override=
variants=()
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--kernel) kernel_override=$2; shift 2 ;;
	*) variants+=("$1"); shift ;;
	esac
done
state=${VLAB_STATE_DIR:-/var/lib/vlab}
ip link add vlabbt0 type bridge 2>/dev/null || true
ip link set vlabbt0 up

yaml() { sed -n "s/^$1: *//p" "$2" | sed -e 's/^"//' -e 's/"$//'; }
now() { date +%s.%N; }

# gexec DOM CMD: runs /bin/sh -c CMD through the agent, prints stdout+stderr.
gexec() {
	local dom=$1 cmd=$2 pid st i
	pid=$(virsh qemu-agent-command "$dom" "$(jq -cn --arg c "$cmd" '{execute:"guest-exec",arguments:{path:"/bin/sh",arg:["-c",$c],"capture-output":true}}')" | jq -r .return.pid)
	for i in $(seq 1 120); do
		st=$(virsh qemu-agent-command "$dom" "{\"execute\":\"guest-exec-status\",\"arguments\":{\"pid\":$pid}}")
		if [ "$(jq -r .return.exited <<<"$st")" = true ]; then
			jq -r '.return["out-data"] // ""' <<<"$st" | base64 -d
			jq -r '.return["err-data"] // ""' <<<"$st" | base64 -d
			return 0
		fi
		sleep 0.5
	done
	echo "(timed out)"
}

for v in "${variants[@]}"; do
	img=$here/out/$v
	[ -f "$img/image.yaml" ] || { echo "boot-test: $img/image.yaml missing: build $v first" >&2; exit 1; }
	dir=$(mktemp -d "$state/bt-$v.XXXX")
	chmod 755 "$dir"
	cp "$img/disk.qcow2" "$dir/base.qcow2"
	kernel=$(yaml kernel "$img/image.yaml")
	[ -z "$kernel_override" ] || kernel=$kernel_override
	initrd=$(yaml initrd "$img/image.yaml")
	cmdline=$(yaml cmdline "$img/image.yaml")
	os_boot="<boot dev='hd'/>"
	if [ -n "$kernel" ]; then
		cp "$img/$kernel" "$dir/kernel"
		cp "$img/$initrd" "$dir/initrd"
		os_boot="<kernel>$dir/kernel</kernel><initrd>$dir/initrd</initrd><cmdline>$cmdline</cmdline>"
	fi
	times=()
	for n in $(seq 1 "$runs"); do
		dom=bt-$v-$n
		rm -f "$dir/overlay.qcow2"
		qemu-img create -q -f qcow2 -F qcow2 -b "$dir/base.qcow2" "$dir/overlay.qcow2"
		log=$dir/console-$n.log
		cat >"$dir/$dom.xml" <<EOF
<domain type='qemu'>
  <name>$dom</name>
  <memory unit='MiB'>$mem</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type>$os_boot</os>
  <on_poweroff>destroy</on_poweroff><on_reboot>destroy</on_reboot><on_crash>destroy</on_crash>
  <devices>
    <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$dir/overlay.qcow2'/><target dev='vda' bus='virtio'/></disk>
    <interface type='bridge'><mac address='52:54:00:be:00:0$n'/><source bridge='vlabbt0'/><model type='virtio'/></interface>
    <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>
    <serial type='file'><source path='$log'/><target port='0'/></serial>
    <console type='file'><source path='$log'/><target type='serial' port='0'/></console>
  </devices>
</domain>
EOF
		if [ "$(yaml netconfig "$img/image.yaml")" = cloud-init ] && [ "${NO_SEED:-}" != 1 ]; then
			# a NoCloud seed, as vlab gives cloud-init guests: static address on the NIC
			mkdir -p "$dir/seed-$n"
			printf 'instance-id: bt-%s-%s\nlocal-hostname: bt\n' "$v" "$n" >"$dir/seed-$n/meta-data"
			printf '#cloud-config\nmanage_etc_hosts: false\n' >"$dir/seed-$n/user-data"
			printf 'version: 2\nethernets:\n  eth0:\n    match: {macaddress: "52:54:00:be:00:0%s"}\n    set-name: eth0\n    addresses: [172.30.99.2/24]\n' "$n" >"$dir/seed-$n/network-config"
			xorriso -as mkisofs -quiet -V cidata -J -r -o "$dir/seed-$n.iso" "$dir/seed-$n" 2>/dev/null
			sed -i "s|</devices>|  <disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='$dir/seed-$n.iso'/><target dev='hdc' bus='ide'/><readonly/></disk>\n  </devices>|" "$dir/$dom.xml"
		fi
		virsh -q define "$dir/$dom.xml" >/dev/null
		t0=$(now)
		virsh -q start "$dom" >/dev/null
		ok=0
		kt=
		while awk -v a="$t0" -v b="$(now)" 'BEGIN{exit !(b-a < 600)}'; do
			if [ -z "$kt" ] && grep -q 'Linux version' "$log" 2>/dev/null; then kt=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'); fi
			if virsh qemu-agent-command --timeout 2 "$dom" '{"execute":"guest-ping"}' >/dev/null 2>&1; then ok=1; break; fi
			sleep 0.25
		done
		t=$(awk -v a="$t0" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}')
		if [ "$ok" = 1 ]; then times+=("$t"); echo "boot-test: $v run $n: agent answered after ${t}s (kernel's first console line after ${kt:-?}s)"
		else times+=("FAIL"); echo "boot-test: $v run $n: NO agent answer after ${t}s; console tail:"; tail -n 30 "$log"; fi
		if [ "$ok" = 1 ] && [ "$n" = 1 ]; then
			sleep "${PROBE_DELAY:-0}"
			echo "--- $v: guest state (via guest-exec) ---"
			gexec "$dom" 'echo "system: $(systemctl is-system-running)"; echo "hostname: $(hostname)"; echo "machine-id: $(cat /etc/machine-id)"; ip -br link; ip -br -4 addr; systemctl --failed --no-legend; echo "uptime: $(cut -d" " -f1 /proc/uptime)s"; systemd-analyze 2>/dev/null | head -n 1' | sed 's/^/    /'
		fi
		virsh -q destroy "$dom" >/dev/null 2>&1 || true
		if [ -n "${CONSOLE_DIR:-}" ]; then mkdir -p "$CONSOLE_DIR" && cp "$log" "$CONSOLE_DIR/$dom.log"; fi
		virsh -q undefine "$dom" >/dev/null
	done
	echo "boot-test: $v boot-to-agent (s): ${times[*]}"
	rm -rf "$dir"
done
