/**
 * `vlab up --persist=MODE` for real, in the sandbox (which has private copies of /etc/systemd/system,
 * /etc/network and /etc/iptables), through a SIMULATED REBOOT: the kernel state a reboot loses is
 * taken away (running guests, the bridge with its address, the lab's iptables rules and the nat
 * table they made, ip_forward) while libvirt's definitions and the files on disk stay. Then what
 * the boot would run brings the lab back:
 *  - systemd: the unit's ExecStart (parsed from the unit file, with its Environment=) — that is
 *    `vlab restore seed`, which restores everything;
 *  - ifupdown: `ifup -i /etc/network/interfaces.d/vlab-seed -a` (networking.service's `ifup -a`,
 *    on the lab's file only), which must restore bridge, address, alias, rules and ip_forward by
 *    itself; then `vlab restore seed` stands in for libvirtd's autostart of the guests (marked
 *    autostart: checked), and must find the host side already in place.
 * Then `vlab verify` passes, and `vlab down` leaves the host and those folders as before `up`.
 * The libvirt network stays active through the simulated reboot: it is marked autostart, so
 * libvirtd starts it at boot (checked), and restarting libvirtd is not part of the simulation.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { execa } from 'execa';
import { sandboxSkipReason } from './helpers/env.js';
import { SEED, snapshot, vlab, outsideUp } from './helpers/vlab.js';

/**
 * vlab persist writes real host paths: run only where the sandbox makes them private (a mount
 * of their own, or /etc as an overlay), never on the host's own /etc.
 */
function etcSkipReason(): string | undefined {
  const mounts = new Set(
    readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4]),
  );
  const open = ['/etc/systemd/system', '/etc/network', '/etc/iptables'].filter((d) => !mounts.has(d) && !mounts.has('/etc'));
  return open.length ? `the sandbox does not make ${open.join(', ')} private (update scripts/sandbox.sh); not writing host files` : undefined;
}

const skip = sandboxSkipReason() ?? etcSkipReason();
const UNIT = '/etc/systemd/system/vlab-seed.service';
const WANTS = '/etc/systemd/system/multi-user.target.wants/vlab-seed.service';
const IFACES = '/etc/network/interfaces.d/vlab-seed';
const RULES = '/etc/iptables/vlab-seed.rules';
const VIRSH = ['-c', 'qemu:///system'];

before(async () => {
  if (!skip) await outsideUp();
});

/** The folders vlab persist writes into, as names (recursively), for before/after comparison. */
function persistDirs(): string {
  return ['/etc/systemd/system', '/etc/network/interfaces.d', '/etc/iptables']
    .map((d) => `${d}: ${existsSync(d) ? (readdirSync(d, { recursive: true }) as string[]).sort().join(' ') : '(absent)'}`)
    .join('\n');
}

async function sh(script: string): Promise<string> {
  const r = await execa('bash', ['-euo', 'pipefail', '-c', script], { reject: false });
  assert.equal(r.exitCode, 0, `${script}\n${r.stderr}`);
  return String(r.stdout);
}

async function autostart(kind: 'network' | 'domain', name: string): Promise<boolean> {
  const out = await sh(`virsh ${VIRSH.join(' ')} ${kind === 'network' ? 'net-info' : 'dominfo'} ${name}`);
  return /^Autostart:\s+(yes|enable)\s*$/m.test(out);
}

/** What a reboot takes away; libvirt definitions and files on disk stay. `keep`: tables that existed before up. */
async function simulateReboot(keep: string[]): Promise<void> {
  await sh(`
    for d in $(virsh ${VIRSH.join(' ')} list --name | grep '^vlab-seed-'); do virsh ${VIRSH.join(' ')} destroy "$d" >/dev/null; done
    ip link del isolationbr
    for t in $(iptables-save | sed -n 's/^\\*//p'); do
      iptables -w -t "$t" -S | { grep -- 'vlab:seed' || true; } | sed 's/^-A /-D /' | while read -r rule; do eval "iptables -w -t $t $rule"; done
      # a table that only the lab's rules made does not exist after a boot
      case " ${keep.join(' ')} " in *" $t "*) ;; *) iptables -w -t "$t" -S | grep -q -- '^-[AN] ' || nft delete table ip "$t" ;; esac
    done
    sysctl -qw net.ipv4.ip_forward=0
  `);
}

/** The unit's ExecStart and Environment=, as systemd would run them (no quoting in vlab's own paths). */
function unitCommand(unit: string): { argv: string[]; env: Record<string, string> } {
  const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1];
  assert.ok(exec, 'no ExecStart= in the unit');
  assert.doesNotMatch(exec, /["'\\%$]/, 'this test does not unquote');
  const env = Object.fromEntries([...unit.matchAll(/^Environment=([^=\n]+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  return { argv: exec.split(' '), env };
}

/** The iptables tables in a sandbox snapshot (`*nat` lines of its iptables section). */
function tablesOf(snap: string): string[] {
  const section = snap.split('== iptables\n')[1]?.split('\n== ')[0] ?? '';
  return section.split('\n').flatMap((l) => (l.startsWith('*') ? [l.slice(1)] : []));
}

async function status(): Promise<{ hostSideInPlace: boolean; persisted: string | null; guests: { name: string; state: string }[] }> {
  const r = await vlab(['-f', SEED, 'status', '--json']);
  assert.equal(r.exitCode, 0, r.stderr);
  return JSON.parse(r.stdout);
}

/** After a failed test: take the lab down so the next test starts clean (a no-op when it is down). */
async function cleanUp(): Promise<void> {
  if (!skip) await vlab(['down', 'seed']);
}

for (const mode of ['systemd', 'ifupdown'] as const) {
  test(`up --persist=${mode}, simulated reboot, restore, verify, down leaves no trace`, { skip, timeout: 1_200_000 }, async (t) => {
    t.after(cleanUp);
    const snap = await snapshot();
    const dirs = persistDirs();

    const up = await vlab(['-f', SEED, 'up', `--persist=${mode}`]);
    assert.equal(up.exitCode, 0, `up failed:\n${up.stdout}\n${up.stderr}`);
    assert.match(up.stdout, new RegExp(`Lab 'seed' is persisted \\(${mode}\\)`));
    assert.equal((await status()).persisted, mode);
    assert.ok(await autostart('network', 'vlab-seed-isolation'), 'the libvirt network is marked autostart');
    if (mode === 'systemd') {
      assert.ok(readFileSync(UNIT, 'utf8').startsWith('# Written by vlab for lab seed'));
      assert.equal(lstatSync(UNIT).mode & 0o777, 0o644);
      assert.ok(lstatSync(WANTS).isSymbolicLink());
      assert.equal(readFileSync(WANTS, 'utf8'), readFileSync(UNIT, 'utf8'), 'the enable symlink resolves to the unit');
      assert.ok(!existsSync(IFACES) && !existsSync(RULES));
      assert.ok(!(await autostart('domain', 'vlab-seed-web')), 'systemd mode: vlab restore starts the guests, not libvirtd');
    } else {
      assert.match(readFileSync(IFACES, 'utf8'), /^iface isolationbr inet static$/m);
      assert.match(readFileSync(RULES, 'utf8'), /^-A POSTROUTING -s 172\.16\.0\.0\/16 ! -d 172\.16\.0\.0\/16 -m comment --comment vlab:seed -j MASQUERADE$/m);
      assert.ok(!existsSync(UNIT) && !existsSync(WANTS));
      for (const d of ['vlab-seed-web', 'vlab-seed-db']) assert.ok(await autostart('domain', d), `${d} is marked autostart`);
      // Boot reads it: the host's /etc/network/interfaces sources interfaces.d.
      const all = await execa('ifquery', ['-a', '--list'], { reject: false });
      assert.ok(String(all.stdout).split('\n').includes('isolationbr'), `ifquery -a --list (the boot's view) lacks isolationbr:\n${all.stdout}\n${all.stderr}`);
    }

    await simulateReboot(tablesOf(snap));
    const after = await status();
    assert.equal(after.hostSideInPlace, false);
    assert.deepEqual(
      after.guests.map((g) => g.state),
      ['shut off', 'shut off'],
    );
    const text = await vlab(['-f', SEED, 'status']);
    assert.match(text.stdout, /run `vlab restore seed` to bring it back/);
    assert.match(text.stdout, new RegExp(`^persisted: ${mode}$`, 'm'));

    if (mode === 'systemd') {
      const { argv, env } = unitCommand(readFileSync(UNIT, 'utf8'));
      assert.deepEqual(argv.slice(2), ['restore', 'seed', '--quiet']);
      const r = await execa(argv[0]!, argv.slice(1), { reject: false, env, timeout: 900_000 });
      assert.equal(r.exitCode, 0, `the unit's ExecStart failed:\n${r.stdout}\n${r.stderr}`);
    } else {
      const ifup = await execa('ifup', ['-i', IFACES, '-a'], { reject: false });
      assert.equal(ifup.exitCode, 0, `ifup failed:\n${ifup.stdout}\n${ifup.stderr}`);
      // ifupdown alone brought the host side back, tagged as the lab's.
      assert.match(await sh('ip -o link show isolationbr'), /alias vlab:seed/);
      assert.match(await sh('ip -o -4 addr show dev isolationbr'), /inet 172\.16\.0\.1\/16/);
      assert.match(await sh('iptables -w -t nat -S POSTROUTING'), /vlab:seed"? -j MASQUERADE/);
      assert.equal((await sh('sysctl -n net.ipv4.ip_forward')).trim(), '1');
      const r = await vlab(['restore', 'seed', '--json']);
      assert.equal(r.exitCode, 0, `restore failed:\n${r.stdout}\n${r.stderr}`);
      const phases = (JSON.parse(r.stdout) as { phases: { title: string }[] }).phases.map((p) => p.title);
      assert.ok(!phases.includes('Host networking'), `ifupdown restored the host side, yet restore changed it: ${phases.join(', ')}`);
    }
    const back = await status();
    assert.equal(back.hostSideInPlace, true);
    assert.deepEqual(
      back.guests.map((g) => g.state),
      ['running', 'running'],
    );

    const verify = await vlab(['-f', SEED, 'verify']);
    assert.equal(verify.exitCode, 0, `verify after restore:\n${verify.stdout}\n${verify.stderr}`);

    const down = await vlab(['-f', SEED, 'down']);
    assert.equal(down.exitCode, 0, `down failed:\n${down.stdout}\n${down.stderr}`);
    for (const f of [UNIT, WANTS, IFACES, RULES]) assert.ok(!existsSync(f), `${f} is left behind`);
    assert.equal(persistDirs(), dirs);
    assert.equal(await snapshot(), snap);
  });
}

test('persist, switch modes, refuse foreign files, unpersist: the lab stays up; down leaves no trace', { skip, timeout: 900_000 }, async (t) => {
  t.after(cleanUp);
  const snap = await snapshot();
  const dirs = persistDirs();
  const up = await vlab(['-f', SEED, 'up']);
  assert.equal(up.exitCode, 0, up.stderr);
  assert.equal((await status()).persisted, null);

  assert.equal((await vlab(['persist', 'seed'])).exitCode, 0);
  assert.ok(existsSync(UNIT) && existsSync(WANTS));
  const sw = await vlab(['persist', 'seed', '--mode', 'ifupdown']);
  assert.equal(sw.exitCode, 0, sw.stderr);
  assert.ok(!existsSync(UNIT) && !existsSync(WANTS), 'switching modes removes the systemd files');
  assert.ok(existsSync(IFACES) && existsSync(RULES));
  assert.equal((await status()).persisted, 'ifupdown');

  // A file vlab did not write is never overwritten nor removed.
  writeFileSync(UNIT, '# my own unit\n[Unit]\nDescription=mine\n');
  const refused = await vlab(['persist', 'seed']);
  assert.equal(refused.exitCode, 3, refused.stderr);
  assert.match(refused.stderr, /was not written by vlab/);
  assert.equal(readFileSync(UNIT, 'utf8'), '# my own unit\n[Unit]\nDescription=mine\n');
  assert.ok(existsSync(IFACES), 'a refused persist changes nothing');
  await execa('rm', [UNIT]);

  // An edited persisted file (marker line gone) stays: unpersist fails and keeps it in the journal.
  const original = readFileSync(IFACES, 'utf8');
  writeFileSync(IFACES, original.replace(/^# Written by vlab[^\n]*\n/, '# edited by hand\n'));
  const kept = await vlab(['unpersist', 'seed']);
  assert.equal(kept.exitCode, 3, kept.stderr);
  assert.match(kept.stderr, /not removing a file vlab did not write/);
  assert.ok(existsSync(IFACES));
  writeFileSync(IFACES, original);

  const un = await vlab(['unpersist', 'seed']);
  assert.equal(un.exitCode, 0, un.stderr);
  for (const f of [UNIT, WANTS, IFACES, RULES]) assert.ok(!existsSync(f), `${f} is left behind by unpersist`);
  assert.ok(!(await autostart('network', 'vlab-seed-isolation')));
  assert.ok(!(await autostart('domain', 'vlab-seed-web')));
  const st = await status();
  assert.equal(st.persisted, null);
  assert.equal(st.hostSideInPlace, true);
  assert.deepEqual(
    st.guests.map((g) => g.state),
    ['running', 'running'],
  );

  const down = await vlab(['-f', SEED, 'down']);
  assert.equal(down.exitCode, 0, down.stderr);
  assert.equal(persistDirs(), dirs);
  assert.equal(await snapshot(), snap);
});
