/** The `test:` key: what `vlab test` simulates around a lab, its defaults and its validation. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValidationError } from '../../src/errors.js';
import { parseLab } from '../../src/spec/load.js';
import { testWorld } from '../../src/spec/test-world.js';

const base = (extra: string, nets = '  lan: { cidr: 10.5.0.0/24, nat: true }', addr = '10.5.0.10') => `name: tw
networks:
${nets}
guests:
  a: { image: /img/a.qcow2, interfaces: [ { network: lan, address: ${addr} } ] }
verify:
  external: [198.18.0.2]
${extra}`;

test('defaults: the outside world holds verify.external, no LAN without an uplink', () => {
  assert.deepEqual(testWorld(parseLab(base(''), '/l/tw.yaml')), { outside: ['198.18.0.2'] });
});

test('test.outside replaces verify.external; an uplink network gets a DHCP LAN on its NIC unless lan: none', () => {
  assert.deepEqual(testWorld(parseLab(base('test: { outside: [203.0.113.7, 198.18.0.2] }\n'), '/l/tw.yaml')).outside, ['203.0.113.7', '198.18.0.2']);
  const up = '  lan: { bridge: br0, uplink: ens3, cidr: 192.0.2.0/24, gateway: 192.0.2.1 }';
  assert.equal(testWorld(parseLab(base('', up, '192.0.2.10').replace('[198.18.0.2]', '[]'), '/l/tw.yaml')).lan, 'ens3');
  assert.equal(testWorld(parseLab(base('test: { lan: none }\n', up, '192.0.2.10').replace('[198.18.0.2]', '[]'), '/l/tw.yaml')).lan, undefined);
});

test('a test.outside address that is not IPv4 or lies inside a lab network is a validation problem with its line', () => {
  assert.throws(
    () => parseLab(base('test:\n  outside: [nope, 10.5.0.9]\n  lan: maybe\n'), '/l/tw.yaml'),
    (e: unknown) => {
      const text = (e as ValidationError).problems.map((p) => `${p.line}: ${p.message}`).join('\n');
      return e instanceof ValidationError && /9: 'nope' is not an IPv4 address/.test(text) && /10\.5\.0\.9 is inside lab network 'lan'/.test(text) && /lan/.test(text);
    },
  );
});
