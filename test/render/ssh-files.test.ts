import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { knownHostsLine, renderSshFiles, type SshMaterial } from '../../src/render/ssh-files.js';
import { renderGuestFiles } from '../../src/render/netconfig/index.js';
import { renderUserData } from '../../src/render/netconfig/cloud-init.js';
import { CASES } from '../golden/netconfig/fixtures.js';

const m: SshMaterial = {
  authorizedKey: 'ssh-ed25519 AAAAC3client vlab:lab',
  hostKeyPrivate: '-----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY-----\n',
  hostKeyPublic: 'ssh-ed25519 AAAAC3host vlab:lab/g\n',
};

test('ssh files: authorized_keys (forwarding off), the host key 0600 and its .pub', () => {
  assert.deepEqual(
    renderSshFiles(m).map((f) => [f.path, f.mode]),
    [
      ['/root/.ssh/authorized_keys', 0o600],
      ['/etc/ssh/ssh_host_ed25519_key', 0o600],
      ['/etc/ssh/ssh_host_ed25519_key.pub', 0o644],
    ],
  );
  assert.equal(renderSshFiles(m)[0]!.content, 'no-port-forwarding,no-agent-forwarding,no-X11-forwarding ssh-ed25519 AAAAC3client vlab:lab\n');
  assert.equal(renderSshFiles(m)[1]!.content, m.hostKeyPrivate);
  assert.equal(knownHostsLine('vlab-lab-g', m.hostKeyPublic), 'vlab-lab-g ssh-ed25519 AAAAC3host\n');
});

test('disk stacks get the ssh files only when the guest uses ssh; cloud-init gets them in user-data', () => {
  const input = CASES[0]!.input;
  assert.ok(!renderGuestFiles(input, 'ifupdown').some((f) => f.path.includes('ssh')));
  for (const stack of ['ifupdown', 'netplan', 'networkd', 'networkmanager', 'ifcfg'] as const) {
    assert.ok(
      renderGuestFiles({ ...input, ssh: m }, stack).some((f) => f.path === '/root/.ssh/authorized_keys'),
      stack,
    );
  }
  assert.ok(!renderGuestFiles({ ...input, ssh: m }, 'cloud-init').some((f) => f.path.includes('ssh')), 'the seed ISO has no such files');
  const ud = parse(renderUserData({ ...input, ssh: m })) as Record<string, unknown>;
  assert.equal(ud.disable_root, false);
  assert.deepEqual(ud.ssh_authorized_keys, ['no-port-forwarding,no-agent-forwarding,no-X11-forwarding ssh-ed25519 AAAAC3client vlab:lab']);
  assert.deepEqual(ud.ssh_keys, { ed25519_private: m.hostKeyPrivate, ed25519_public: 'ssh-ed25519 AAAAC3host vlab:lab/g' });
  assert.equal((parse(renderUserData(input)) as Record<string, unknown>).ssh_keys, undefined);
});
