/**
 * The two-host test bed (issue #16): inside sandbox/sandbox.sh (host A), sandbox_peer_up of
 * sandbox/sandbox-lib.sh makes a host B with its own network, mount and PID namespaces and
 * libvirtd, reached over SSH on a veth underlay (198.19.0.1 here, 198.19.0.2 there). What one side
 * does to links, files, libvirt or iptables is not seen on the other; a VXLAN between them carries
 * traffic; cutting the underlay makes B unreachable; B's processes end with the sandbox, even when
 * it is SIGKILLed, and the real host is unchanged. Runs OUTSIDE any sandbox, as root:
 *
 *   node --import tsx --test --test-reporter spec test/sandbox/two-hosts.test.ts
 *
 * Every address used (198.19.0.0/24, 10.200.0.0/24) lives in a namespace the sandbox made.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { REPO, rootSkipReason, sleep } from '../integration/helpers/env.js';
import { hostSnapshot, pidsInNamespace } from '../integration/helpers/host-state.js';

const skip = rootSkipReason();
const SANDBOX = path.join(REPO, 'sandbox', 'sandbox.sh');

/** Starts host B, prints the PID namespaces (A's and B's), then waits for a line on stdin. */
const UP = `set -u
source "$VLAB_SANDBOX_LIB"
t0=$(date +%s.%N)
sandbox_peer_up || { echo "PEER_UP=fail"; exit 1; }
echo "PEER_UP=ok $(awk -v s="$t0" -v e="$(date +%s.%N)" 'BEGIN{printf "%.1f", e - s}')"
echo "A_PIDNS=$(readlink /proc/self/ns/pid)"
echo "B_PIDNS=$(readlink /proc/$SANDBOX_PEER_PID/ns/pid)"
bns=$(readlink /proc/$SANDBOX_PEER_PID/ns/pid)
echo "B_COMMS=$(for p in /proc/[0-9]*; do [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$bns" ] && cat "$p/comm" 2>/dev/null; done | sort -u | paste -sd, -)"
echo READY
`;

/** The checks, each printed as KEY=value. */
const CHECKS = `${UP}read -r _ || true
S() { ssh -i "$SANDBOX_PEER_KEY" -o UserKnownHostsFile="$SANDBOX_PEER_KNOWN_HOSTS" -o StrictHostKeyChecking=yes -o BatchMode=yes "$@"; }
B=root@$SANDBOX_PEER_IP
d=$SANDBOX_PEER_DIR
echo "VARS=$SANDBOX_PEER_NAME $SANDBOX_PEER_IP $SANDBOX_PEER_LOCAL_IP $SANDBOX_PEER_IF $([ -r "$SANDBOX_PEER_KEY" ] && [ -s "$SANDBOX_PEER_KNOWN_HOSTS" ] && echo files)"
echo "A_LINKS=$(ip -br link | awk '{print $1}' | paste -sd, -)"
echo "B_LINKS=$(S "$B" ip -br link | awk '{print $1}' | paste -sd, -)"
echo "A_ADDR=$(ip -4 -br addr show dev to-hostb | awk '{print $3}')"
echo "B_ADDR=$(S "$B" ip -4 -br addr show dev eth0 | awk '{print $3}')"
echo "B_DEFAULT=$(S "$B" ip route show default)."
echo "A_NS=$(readlink /proc/self/ns/net /proc/self/ns/mnt | paste -sd, -)"
echo "B_NS=$(readlink /proc/$SANDBOX_PEER_PID/ns/net /proc/$SANDBOX_PEER_PID/ns/mnt | paste -sd, -)"
echo "SSH_NS=$(S "$B" readlink /proc/self/ns/net /proc/self/ns/mnt | paste -sd, -)"
ping -c 1 -W 2 "$SANDBOX_PEER_IP" >/dev/null && echo PING=ok
echo "VIRSH=$(S "$B" virsh -c qemu:///system version | grep -c 'Running hypervisor')"
# vlab multiplexes its ssh sessions
cm=(-o ControlMaster=auto -o "ControlPath=$d/cm-%C" -o ControlPersist=60)
S "$B" "\${cm[@]}" true && S "$B" "\${cm[@]}" -O check 2>&1 | grep -q 'Master running' &&
	[ "$(S "$B" "\${cm[@]}" echo muxed)" = muxed ] && echo MUX=ok
S "$B" "\${cm[@]}" -O exit 2>/dev/null

# What B does over ssh stays on B.
# (iptables-save lists a table only once it has been used: use B's filter table first)
S "$B" 'iptables -N tbwarm && iptables -X tbwarm'
sandbox_snapshot "$d/a0.snap"
sandbox_peer_snapshot hostb "$d/b0.snap"
S "$B" 'ip link add vlabtb0 type bridge && echo probe >/var/lib/vlab/tb-probe && echo probe >/var/cache/vlab/tb-probe &&
	iptables -A INPUT -s 192.0.2.77 -j ACCEPT &&
	printf "<network><name>tbnet</name><bridge name=\\"vlabtb1\\"/></network>" >/run/tbnet.xml &&
	virsh -q -c qemu:///system net-define /run/tbnet.xml >/dev/null' && echo MADE=ok
echo "B_SEES=$(S "$B" 'ip -br link show vlabtb0 >/dev/null 2>&1 && echo bridge; cat /var/lib/vlab/tb-probe /var/cache/vlab/tb-probe; iptables-save | grep -c 192.0.2.77; virsh -c qemu:///system net-list --all --name | grep -x tbnet' | paste -sd, -)"
echo "A_SEES=$(ip link show vlabtb0 >/dev/null 2>&1 && echo bridge; ls /var/lib/vlab/tb-probe /var/cache/vlab/tb-probe 2>/dev/null; iptables-save | grep -c 192.0.2.77; virsh -c qemu:///system net-list --all --name | grep -x tbnet)."
sandbox_peer_snapshot hostb "$d/b1.snap"
cmp -s "$d/b0.snap" "$d/b1.snap" || echo B_SNAP_CHANGED=yes
S "$B" 'ip link del vlabtb0 && rm /var/lib/vlab/tb-probe /var/cache/vlab/tb-probe && iptables -D INPUT -s 192.0.2.77 -j ACCEPT &&
	virsh -q -c qemu:///system net-undefine tbnet >/dev/null'
sandbox_peer_snapshot hostb "$d/b2.snap"
sandbox_snapshot "$d/a2.snap"
cmp "$d/b0.snap" "$d/b2.snap" >/dev/null && echo B_SNAP_SAME=yes || diff "$d/b0.snap" "$d/b2.snap" | sed "s/^/B_DIFF: /"
cmp "$d/a0.snap" "$d/a2.snap" >/dev/null && echo A_SNAP_SAME=yes
grep -q '"local":"198.19.0.2"' "$d/b0.snap" && ! grep -q to-hostb "$d/b0.snap" && echo B_SNAP_IS_B=yes

# Host B unreachable, and back.
sandbox_peer_cut hostb
if S -o ConnectTimeout=2 "$B" true 2>/dev/null; then echo CUT=reachable; else echo CUT=unreachable; fi
sandbox_peer_snapshot hostb "$d/b3.snap" && [ -s "$d/b3.snap" ] && echo CUT_SNAPSHOT=ok
sandbox_peer_mend hostb
if S -o ConnectTimeout=5 "$B" true; then echo MEND=reachable; else echo MEND=unreachable; fi

# A VXLAN over the underlay.
vx() { # vx LOCAL PEER ADDRESS
	ip link add vx100 type vxlan id 100 local "$1" dstport 4789 nolearning &&
		bridge fdb append 00:00:00:00:00:00 dev vx100 dst "$2" &&
		ip addr add "$3" dev vx100 && ip link set vx100 up
}
vx "$SANDBOX_PEER_LOCAL_IP" "$SANDBOX_PEER_IP" 10.200.0.1/24 &&
	S "$B" "$(declare -f vx); vx $SANDBOX_PEER_IP $SANDBOX_PEER_LOCAL_IP 10.200.0.2/24" && echo VXLAN_UP=ok
ping -c 2 -W 2 10.200.0.2 >/dev/null && echo VXLAN_A_TO_B=ok
S "$B" ping -c 2 -W 2 10.200.0.1 >/dev/null && echo VXLAN_B_TO_A=ok
ip link del vx100

# A guest on B (kernel + initramfs of the tiny image, no disk, no NIC): sandbox_peer_down
# destroys it before B's PID namespace ends, as the sandbox's own exit does.
for f in vmlinuz initrd.img; do nsenter -t "$SANDBOX_PEER_PID" -m -- cp "$1/vm-images/tiny/$f" "/var/lib/vlab/$f"; done
S "$B" 'cat >/run/tbg.xml <<EOF
<domain type="qemu"><name>tbg</name><memory unit="MiB">128</memory>
<os><type arch="x86_64">hvm</type><kernel>/var/lib/vlab/vmlinuz</kernel><initrd>/var/lib/vlab/initrd.img</initrd><cmdline>console=ttyS0</cmdline></os>
<devices><serial type="pty"/></devices></domain>
EOF
virsh -q -c qemu:///system create /run/tbg.xml >/dev/null && virsh -c qemu:///system domstate tbg' | grep -qx running && echo GUEST=running
q=$(pgrep -x qemu-system-x86 | head -n 1)
sandbox_peer_down hostb >"$d/down.out" 2>&1 &
down=$!
# (Q: the guest's qemu runs, B: B's PID 1 runs)
while kill -0 "$down" 2>/dev/null; do echo "$([ -e "/proc/$q" ] && echo Q)$([ -e "/proc/$SANDBOX_PEER_PID" ] && echo B)"; sleep 0.02; done | uniq | paste -sd, - | sed 's/^/DOWN_SEQ=/'
wait "$down" && echo DOWN=ok
echo "AFTER_DOWN=$(ip netns list | grep -c hostb),$(ip -br link | grep -c to-hostb)"
`;

type Sandbox = ResultPromise<{ reject: false; timeout: number; forceKillAfterDelay: false; stdin: 'pipe' }>;

function start(script: string): Sandbox {
  return execa('bash', [SANDBOX, '--', 'bash', '-c', script, 'two-hosts', REPO], { reject: false, timeout: 300_000, forceKillAfterDelay: false, stdin: 'pipe' });
}

/** Resolves with the KEY=value lines printed so far once the script printed READY. */
async function whenReady(sub: Sandbox, timeoutMs = 120_000): Promise<Map<string, string>> {
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no READY within ${timeoutMs} ms; stdout so far: ${out}`)), timeoutMs);
    sub.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('READY\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    sub.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited (${code}) before READY; stdout: ${out}`));
    });
  });
  return values(out);
}

function values(out: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of out.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && /^[A-Z_0-9]+$/.test(line.slice(0, i))) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

async function noneLeft(...namespaces: string[]): Promise<void> {
  for (const ns of namespaces) {
    let left: number[] = [];
    for (let i = 0; i < 100; i++) {
      left = await pidsInNamespace(ns);
      if (!left.length) break;
      await sleep(200);
    }
    assert.deepEqual(left, [], `processes of ${ns} still running: ${left.join(' ')}`);
  }
}

/** Files sshd or useradd would write on a host (login records, root's ssh folder). */
function loginRecords(): string {
  return ['/root/.ssh', '/var/log/wtmp', '/var/log/btmp', '/var/log/lastlog', '/var/log/faillog']
    .map((f) => {
      if (!existsSync(f)) return `${f} absent`;
      const st = statSync(f);
      return `${f} ${st.size} ${st.mtimeMs}`;
    })
    .join('\n');
}

test('two hosts: B has its own namespaces and libvirtd over ssh, a VXLAN joins them, cut/mend work, nothing is left', { skip, timeout: 300_000 }, async (t) => {
  const before = (await hostSnapshot()).text;
  const records = loginRecords();
  const sub = start(CHECKS);
  const up = await whenReady(sub);
  const bns = up.get('B_PIDNS')!;
  const ans = up.get('A_PIDNS')!;
  assert.match(up.get('PEER_UP') ?? '', /^ok /);
  t.diagnostic(`sandbox_peer_up took ${up.get('PEER_UP')!.slice(3)} s`);
  assert.notEqual(bns, ans, "B's PID namespace is not A's");
  assert.ok((await pidsInNamespace(bns)).length > 0, "the real host sees B's processes while it runs");
  for (const comm of ['sshd', 'libvirtd', 'virtlogd']) assert.ok(up.get('B_COMMS')!.split(',').includes(comm), `${comm} runs in B: ${up.get('B_COMMS')}`);
  sub.stdin!.end('go\n');
  const r = await sub;
  const v = values(r.stdout);
  const all = `${r.stdout}\n${r.stderr}`;
  assert.equal(r.exitCode, 0, all);

  assert.equal(v.get('VARS'), 'hostb 198.19.0.2 198.19.0.1 to-hostb files');
  assert.ok(
    v
      .get('A_LINKS')!
      .split(',')
      .some((l) => l.startsWith('to-hostb')),
    v.get('A_LINKS'),
  );
  assert.ok(
    !v
      .get('A_LINKS')!
      .split(',')
      .some((l) => l.startsWith('eth0')),
    v.get('A_LINKS'),
  );
  assert.deepEqual(
    v
      .get('B_LINKS')!
      .split(',')
      .map((l) => l.replace(/@.*/, '')),
    ['lo', 'eth0'],
  );
  assert.equal(v.get('A_ADDR'), '198.19.0.1/24');
  assert.equal(v.get('B_ADDR'), '198.19.0.2/24');
  assert.equal(v.get('B_DEFAULT'), '.', 'B has no default route');
  assert.notEqual(v.get('B_NS'), v.get('A_NS'), "B's network and mount namespaces are not A's");
  assert.equal(v.get('SSH_NS'), v.get('B_NS'), "commands over ssh run in B's network and mount namespaces");
  assert.equal(v.get('PING'), 'ok');
  assert.equal(v.get('VIRSH'), '1', "ssh ... virsh version answers from B's libvirtd");
  assert.equal(v.get('MUX'), 'ok', 'ControlMaster multiplexing works');

  assert.equal(v.get('MADE'), 'ok', all);
  assert.equal(v.get('B_SEES'), 'bridge,probe,probe,1,tbnet', 'B sees what was made on it');
  assert.equal(v.get('A_SEES'), '0.', 'A sees none of it (bridge, files, iptables rule, libvirt network)');
  assert.equal(v.get('B_SNAP_CHANGED'), 'yes', "B's snapshot shows the changes");
  assert.equal(
    v.get('B_SNAP_SAME'),
    'yes',
    r.stdout
      .split('\n')
      .filter((l) => l.startsWith('B_DIFF'))
      .join('\n'),
  );
  assert.equal(v.get('A_SNAP_SAME'), 'yes', "A's snapshot unchanged by what B did");
  assert.equal(v.get('B_SNAP_IS_B'), 'yes', "B's snapshot is of B (198.19.0.2, no to-hostb)");

  assert.equal(v.get('CUT'), 'unreachable');
  assert.equal(v.get('CUT_SNAPSHOT'), 'ok', 'sandbox_peer_snapshot works while B is cut off');
  assert.equal(v.get('MEND'), 'reachable');

  assert.equal(v.get('VXLAN_UP'), 'ok', all);
  assert.equal(v.get('VXLAN_A_TO_B'), 'ok');
  assert.equal(v.get('VXLAN_B_TO_A'), 'ok');

  assert.equal(v.get('GUEST'), 'running', 'a guest runs on B');
  assert.match(v.get('DOWN_SEQ') ?? '', /^QB,B(,|$)/, "sandbox_peer_down: the guest's qemu ended while B still ran (destroyed, not killed with B)");
  assert.equal(v.get('DOWN'), 'ok');
  assert.equal(v.get('AFTER_DOWN'), '0,0', 'sandbox_peer_down removed the netns and the veth');

  await noneLeft(bns, ans);
  assert.equal(loginRecords(), records, 'no login record or /root/.ssh written on the host');
  assert.equal((await hostSnapshot()).text, before);
});

test('SIGKILL of the outer sandbox.sh leaves no process of host B behind', { skip, timeout: 300_000 }, async () => {
  const before = (await hostSnapshot()).text;
  const sub = start(`${UP}exec sleep 600\n`);
  const up = await whenReady(sub);
  const bns = up.get('B_PIDNS')!;
  const ans = up.get('A_PIDNS')!;
  const bpids = await pidsInNamespace(bns);
  assert.ok(bpids.length > 0, 'B runs');
  sub.kill('SIGKILL');
  await sub;
  await noneLeft(bns, ans);
  assert.equal((await hostSnapshot()).text, before);
});
