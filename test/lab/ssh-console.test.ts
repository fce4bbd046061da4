/** vlab ssh, ssh-config and console in the core, against the fake Host: the session ports get the lab's pinned target; agent-only guests and stopped guests are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeHost } from '../fakes/fake-host.js';
import { fakeLab } from '../fakes/labs.js';
import { planOn, upOn } from '../fakes/run-lab.js';
import { labDown } from '../../src/lab/down.js';
import { labSsh, labSshConfig } from '../../src/lab/ssh.js';
import { labConsole, labConsoleLog } from '../../src/lab/console.js';
import { formatSshConfig } from '../../src/cli/ssh-config-text.js';
import { HostError, UsageError } from '../../src/errors.js';

const LAB = `name: sshy
networks:
  lan: { bridge: vlsshy, cidr: 172.22.0.0/24, gateway: 172.22.0.1 }
images:
  tiny: IMAGES/tiny
guests:
  web: { image: tiny, exec: ssh, interfaces: [ { network: lan, address: 172.22.0.2 } ] }
  db: { image: tiny, exec: agent, interfaces: [ { network: lan, address: 172.22.0.3 } ] }
`;

async function up() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vlab-ssh-'));
  const root = path.join(dir, 'state');
  fakeLab(LAB, dir);
  const fake = new FakeHost();
  const file = path.join(dir, 'vlab.yaml');
  await planOn(fake, file, root);
  await upOn(fake, file, root);
  return { dir, root, fake, done: async () => (await labDown({ lab: 'sshy', host: fake.host, root }), fs.rmSync(dir, { recursive: true, force: true })) };
}

test("vlab ssh: a session to the guest's address with the lab's key, pinned under its alias; the command's exit code comes back", async () => {
  const s = await up();
  try {
    assert.equal(await labSsh({ lab: 'sshy', guest: 'web', argv: ['hostname'], host: s.fake.host, root: s.root }), 0);
    assert.deepEqual(s.fake.sessions, [{ kind: 'ssh', target: 'vlab-sshy-web', argv: ['hostname'] }]);
    await assert.rejects(
      labSsh({ lab: 'sshy', guest: 'db', argv: [], host: s.fake.host, root: s.root }),
      (e: unknown) => e instanceof HostError && /qemu guest agent only/.test(e.message),
    );
    await assert.rejects(
      labSsh({ lab: 'sshy', guest: 'nope', argv: [], host: s.fake.host, root: s.root }),
      (e: unknown) => e instanceof UsageError && /guests: web, db/.test(e.hint ?? ''),
    );
    await s.fake.host.libvirt.destroyDomain('vlab-sshy-web');
    await assert.rejects(labSsh({ lab: 'sshy', guest: 'web', argv: [], host: s.fake.host, root: s.root }), (e: unknown) => e instanceof HostError && /not running/.test(e.message));
  } finally {
    await s.done();
  }
});

test('vlab ssh-config: one Host block per SSH guest, with the same pinning as exec', async () => {
  const s = await up();
  try {
    const entries = labSshConfig({ lab: 'sshy', root: s.root });
    assert.deepEqual(
      entries.map((e) => [e.host, e.hostName, e.user]),
      [['vlab-sshy-web', '172.22.0.2', 'root']],
    );
    const text = formatSshConfig('sshy', entries);
    for (const line of ['Host vlab-sshy-web', '  HostName 172.22.0.2', '  StrictHostKeyChecking yes', '  HostKeyAlias vlab-sshy-web', '  IdentitiesOnly yes', '  BatchMode yes'])
      assert.ok(text.includes(line + '\n'), `${line} missing:\n${text}`);
    assert.match(text, new RegExp(`IdentityFile ${s.root}/sshy/ssh/id_ed25519`));
    assert.match(text, new RegExp(`UserKnownHostsFile ${s.root}/sshy/ssh/known_hosts`));
  } finally {
    await s.done();
  }
});

test('vlab console: attaches to a running guest; --log reads its console log file', async () => {
  const s = await up();
  try {
    await labConsole({ lab: 'sshy', guest: 'db', host: s.fake.host, root: s.root });
    assert.deepEqual(s.fake.sessions, [{ kind: 'console', target: 'vlab-sshy-db', argv: [] }]);
    assert.throws(
      () => labConsoleLog({ lab: 'sshy', guest: 'db', host: s.fake.host, root: s.root }),
      (e: unknown) => e instanceof HostError && /no console log/.test(e.message),
    );
    const log = path.join(s.root, 'sshy', 'console', 'db.log');
    fs.mkdirSync(path.dirname(log), { recursive: true });
    fs.writeFileSync(log, 'Linux version 6.1\nlogin:\n');
    assert.deepEqual(labConsoleLog({ lab: 'sshy', guest: 'db', host: s.fake.host, root: s.root }), { guest: 'db', path: log, text: 'Linux version 6.1\nlogin:\n' });
  } finally {
    await s.done();
  }
});
