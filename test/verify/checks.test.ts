import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/errors.js';
import type { Lab, LabGuest, LabNetwork, VerifyCheckSpec } from '../../src/spec/types.js';
import { deriveChecks, type Check } from '../../src/verify/checks.js';

function net(name: string, cidr: string | undefined, gateway: string | undefined, nat: boolean, uplink?: string): LabNetwork {
  return { name, bridge: `vl-${name}`, nat, ...(cidr ? { cidr, prefix: Number(cidr.split('/')[1]) } : {}), ...(gateway ? { gateway } : {}), ...(uplink ? { uplink } : {}) };
}

function guest(name: string, ifaces: [network: string, address?: string][]): LabGuest {
  return {
    name,
    image: 'debian',
    memory: 512,
    vcpus: 1,
    netconfig: 'auto',
    exec: 'auto',
    interfaces: ifaces.map(([network, address], index) => ({
      index,
      network,
      mac: `52:54:00:00:00:${String(index).padStart(2, '0')}`,
      ifname: `eth${index}`,
      ...(address ? { address, prefix: 24 } : {}),
    })),
  };
}

function lab(networks: LabNetwork[], guests: LabGuest[], external: string[] = ['1.1.1.1'], checks: VerifyCheckSpec[] = []): Lab {
  return { name: 'seed', file: '/labs/seed/lab.yaml', dir: '/labs/seed', accel: 'auto', networks, images: [], guests, verify: { external, checks } };
}

/** The seed lab: lan (nat), dmz (isolated); web on both, db on dmz, client on lan by DHCP. */
function seed(checks: VerifyCheckSpec[] = [], external = ['1.1.1.1']): Lab {
  return lab(
    [net('lan', '10.10.0.0/24', '10.10.0.1', true), net('dmz', '10.20.0.0/24', '10.20.0.1', false)],
    [
      guest('web', [
        ['lan', '10.10.0.10'],
        ['dmz', '10.20.0.10'],
      ]),
      guest('db', [['dmz', '10.20.0.20']]),
      guest('client', [['lan']]),
    ],
    external,
    checks,
  );
}

const brief = (c: Check): string => `${c.id} ${c.from}->${c.to}@${c.address} ${c.expect} x${c.count} ${c.origin}`;

describe('deriveChecks', () => {
  it('derives gateways, peers and external targets for the seed lab, in a stable order', () => {
    assert.deepEqual(deriveChecks(seed()).map(brief), [
      'c0 web->gateway:lan@10.10.0.1 reachable x2 derived',
      'c1 web->gateway:dmz@10.20.0.1 reachable x2 derived',
      'c2 web->db@10.20.0.20 reachable x2 derived',
      'c3 web->external:1.1.1.1@1.1.1.1 reachable x2 derived',
      'c4 db->gateway:dmz@10.20.0.1 reachable x2 derived',
      'c5 db->web@10.20.0.10 reachable x2 derived',
      'c6 db->external:1.1.1.1@1.1.1.1 unreachable x2 derived',
      'c7 client->gateway:lan@10.10.0.1 reachable x2 derived',
      'c8 client->web@10.10.0.10 reachable x2 derived',
      'c9 client->external:1.1.1.1@1.1.1.1 reachable x2 derived',
    ]);
    assert.equal(
      deriveChecks(seed()).every((c) => c.target === (c.to.startsWith('gateway:') ? 'gateway' : c.to.startsWith('external:') ? 'external' : 'guest')),
      true,
    );
  });

  it('expects external targets reachable behind nat: true and unreachable without nat or uplink', () => {
    const natLab = lab([net('lan', '10.0.0.0/24', '10.0.0.1', true)], [guest('a', [['lan', '10.0.0.2']])], ['1.1.1.1', '9.9.9.9']);
    assert.deepEqual(
      deriveChecks(natLab)
        .filter((c) => c.target === 'external')
        .map((c) => c.expect),
      ['reachable', 'reachable'],
    );
    const closed = lab([net('lan', '10.0.0.0/24', '10.0.0.1', false)], [guest('a', [['lan', '10.0.0.2']])], ['1.1.1.1', '9.9.9.9']);
    assert.deepEqual(
      deriveChecks(closed)
        .filter((c) => c.target === 'external')
        .map((c) => c.expect),
      ['unreachable', 'unreachable'],
    );
  });

  it('counts a bridged uplink as a way out', () => {
    const l = lab([net('wan', undefined, undefined, false, 'eno1')], [guest('a', [['wan']])]);
    assert.deepEqual(deriveChecks(l).map(brief), ['c0 a->external:1.1.1.1@1.1.1.1 reachable x2 derived']);
  });

  it('checks a multi-homed peer once per shared network, and each gateway once', () => {
    const l = lab(
      [net('a', '10.1.0.0/24', '10.1.0.1', false), net('b', '10.2.0.0/24', '10.2.0.1', false)],
      [
        guest('x', [
          ['a', '10.1.0.5'],
          ['b', '10.2.0.5'],
          ['a', '10.1.0.6'],
        ]),
        guest('y', [
          ['a', '10.1.0.7'],
          ['b', '10.2.0.7'],
        ]),
      ],
      [],
    );
    assert.deepEqual(deriveChecks(l).map(brief), [
      'c0 x->gateway:a@10.1.0.1 reachable x2 derived',
      'c1 x->gateway:b@10.2.0.1 reachable x2 derived',
      'c2 x->y@10.1.0.7 reachable x2 derived',
      'c3 x->y@10.2.0.7 reachable x2 derived',
      'c4 y->gateway:a@10.1.0.1 reachable x2 derived',
      'c5 y->gateway:b@10.2.0.1 reachable x2 derived',
      'c6 y->x@10.1.0.5 reachable x2 derived',
      'c7 y->x@10.2.0.5 reachable x2 derived',
      'c8 y->x@10.1.0.6 reachable x2 derived',
    ]);
  });

  it('skips DHCP interfaces as targets (no address known) but still checks from them', () => {
    const checks = deriveChecks(seed());
    assert.equal(
      checks.some((c) => c.to === 'client'),
      false,
    );
    assert.ok(checks.some((c) => c.from === 'client' && c.to === 'web'));
  });

  it('lets explicit checks override derived ones in place, and appends new ones per guest', () => {
    const checks = deriveChecks(
      seed([
        { from: 'db', to: 'external', expect: 'reachable' },
        { from: 'web', to: 'db', expect: 'unreachable', count: 5 },
        { from: 'db', to: '192.0.2.7', expect: 'unreachable', count: 1 },
        { from: 'client', to: '10.10.0.10', expect: 'reachable', count: 3 },
        { from: 'web', to: 'gateway', expect: 'reachable', count: 4 },
        { from: 'db', to: '10.10.0.1', expect: 'unreachable' },
      ]),
    );
    assert.deepEqual(checks.map(brief), [
      'c0 web->gateway:lan@10.10.0.1 reachable x4 explicit',
      'c1 web->gateway:dmz@10.20.0.1 reachable x2 derived',
      'c2 web->db@10.20.0.20 unreachable x5 explicit',
      'c3 web->external:1.1.1.1@1.1.1.1 reachable x2 derived',
      'c4 db->gateway:dmz@10.20.0.1 reachable x2 derived',
      'c5 db->web@10.20.0.10 reachable x2 derived',
      'c6 db->external:1.1.1.1@1.1.1.1 reachable x2 explicit',
      'c7 db->192.0.2.7@192.0.2.7 unreachable x1 explicit',
      'c8 db->gateway:lan@10.10.0.1 unreachable x2 explicit',
      'c9 client->gateway:lan@10.10.0.1 reachable x2 derived',
      'c10 client->web@10.10.0.10 reachable x3 explicit',
      'c11 client->external:1.1.1.1@1.1.1.1 reachable x2 derived',
    ]);
    assert.equal(checks.find((c) => c.id === 'c7')!.target, 'address');
    assert.equal(checks.find((c) => c.id === 'c8')!.target, 'gateway');
  });

  it('resolves an explicit guest target to its first static address; the later of two explicit checks wins', () => {
    const checks = deriveChecks(
      seed([
        { from: 'db', to: 'web', expect: 'unreachable' },
        { from: 'db', to: 'web', expect: 'reachable', count: 7 },
        { from: 'client', to: 'db', expect: 'unreachable' },
      ]),
    );
    assert.deepEqual(checks.filter((c) => c.origin === 'explicit').map(brief), [
      'c7 db->web@10.10.0.10 reachable x7 explicit',
      'c11 client->db@10.20.0.20 unreachable x2 explicit',
    ]);
  });

  it('deduplicates external targets and has unique ids', () => {
    const checks = deriveChecks(seed([], ['1.1.1.1', '1.1.1.1', '9.9.9.9']));
    assert.equal(checks.filter((c) => c.from === 'web' && c.target === 'external').length, 2);
    assert.equal(new Set(checks.map((c) => c.id)).size, checks.length);
  });

  it('reports unresolvable explicit checks and bad external targets as validation problems', () => {
    const err = (() => {
      try {
        deriveChecks(
          seed(
            [
              { from: 'nobody', to: 'web', expect: 'reachable' },
              { from: 'web', to: 'client', expect: 'reachable' },
              { from: 'web', to: 'example.com', expect: 'reachable' },
              { from: 'web', to: 'db', expect: 'reachable', count: 0 },
            ],
            ['one.one.one.one'],
          ),
        );
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof ValidationError);
    assert.deepEqual(
      err.problems.map((p) => p.path),
      ['verify.external[0]', 'verify.checks[0].from', 'verify.checks[1].to', 'verify.checks[2].to', 'verify.checks[3].count'],
    );
    assert.throws(() => deriveChecks(seed([{ from: 'web', to: 'external', expect: 'reachable' }], [])), ValidationError);
    const noGw = lab([net('wan', undefined, undefined, false, 'eno1')], [guest('a', [['wan', '192.168.1.50']])], [], [{ from: 'a', to: 'gateway', expect: 'reachable' }]);
    assert.throws(() => deriveChecks(noGw), /no gateway on its first network 'wan'/);
  });

  it('handles a lab without guests or checks', () => {
    assert.deepEqual(deriveChecks(lab([], [], [])), []);
  });
});
