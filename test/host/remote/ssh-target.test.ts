import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../../src/errors.js';
import { describeTarget, parseSshUri, sshArgs } from '../../../src/host/remote/ssh-target.js';

const opts = (argv: string[]) => argv.flatMap((a, i) => (argv[i - 1] === '-o' ? [a] : []));

test('sshArgs: batch mode, strict host keys, a bounded connect and one shared connection per host', () => {
  const argv = sshArgs({ name: 'hv2', host: 'hv2.example' }, '/run/vlab/ssh');
  assert.deepEqual(opts(argv), [
    'BatchMode=yes',
    'ConnectTimeout=10',
    'StrictHostKeyChecking=yes',
    'ServerAliveInterval=15',
    'ControlMaster=auto',
    'ControlPath=/run/vlab/ssh/%C',
    'ControlPersist=60',
  ]);
  assert.equal(argv.at(-1), 'hv2.example');
  assert.ok(!argv.includes('-p') && !argv.includes('-l') && !argv.includes('-i'));
});

test('sshArgs: key (only that one), known_hosts, port, user, connect timeout; % in paths doubled for ssh', () => {
  const argv = sshArgs({ name: 'hv2', host: '10.0.0.2', user: 'vlab', port: 2222, identity: '/keys/id%1', knownHosts: '/keys/known hosts' }, '/tmp/c%d', { connectTimeoutSec: 3 });
  assert.equal(argv[argv.indexOf('-i') + 1], '/keys/id%%1');
  assert.ok(opts(argv).includes('IdentitiesOnly=yes'));
  assert.ok(opts(argv).includes('UserKnownHostsFile=/keys/known hosts'));
  assert.ok(opts(argv).includes('ConnectTimeout=3'));
  assert.ok(opts(argv).includes('ControlPath=/tmp/c%%d/%C'));
  assert.ok(!opts(argv).some((o) => /accept-new|=no$/.test(o)), 'never accepts a host key silently');
  assert.deepEqual(argv.slice(-5), ['-p', '2222', '-l', 'vlab', '10.0.0.2']);
  assert.equal(describeTarget({ name: 'hv2', host: '10.0.0.2', user: 'vlab', port: 2222 }), 'hv2 (vlab@10.0.0.2:2222)');
});

test('sshArgs refuses a host that ssh would read as an option', () => {
  assert.throws(() => sshArgs({ name: 'x', host: '-oProxyCommand=evil' }, '/c'), UsageError);
});

test('parseSshUri: user, port, keyfile, known_hosts and the URI to use on that host', () => {
  assert.deepEqual(parseSshUri('qemu+ssh://root@hv2:2222/system?keyfile=/k%20x&known_hosts=/kh'), {
    host: 'hv2',
    user: 'root',
    port: 2222,
    identity: '/k x',
    knownHosts: '/kh',
    libvirtUri: 'qemu:///system',
  });
  assert.deepEqual(parseSshUri('qemu+ssh://hv2/session'), { host: 'hv2', libvirtUri: 'qemu:///session' });
  assert.deepEqual(parseSshUri('qemu+ssh://[fe80::1]/system/'), { host: 'fe80::1', libvirtUri: 'qemu:///system' });
});

test('parseSshUri refuses other transports, paths and parameters it cannot honour', () => {
  for (const [uri, msg] of [
    ['qemu:///system', /only over qemu\+ssh, not qemu$/],
    ['qemu+tcp://hv2/system', /not qemu\+tcp/],
    ['qemu+ssh:///system', /no host/],
    ['qemu+ssh://hv2/', /must be \/system or \/session/],
    ['qemu+ssh://hv2/system?no_verify=1', /always checks host keys/],
    ['qemu+ssh://hv2/system?socket=/x', /'socket' is not supported/],
    ['qemu+ssh://u:pw@hv2/system', /passwords/],
    ['not a uri', /not a URI/],
  ] as const) {
    assert.throws(
      () => parseSshUri(uri),
      (e: unknown) => e instanceof UsageError && msg.test(e.message),
      uri,
    );
  }
});
