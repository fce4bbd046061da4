import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddrs, parseLinks, parseRoutes } from '../../src/host/iproute.js';

// Captured with iproute2 6.1 (Debian 12) inside a private network namespace:
// bridge vlabt0 (alias vlab:demo, 172.16.0.1/16), veth ve0 enslaved to it, its peer ve1
// (198.18.0.1/24 and 198.18.1.1/24, default via 198.18.0.254), a bridge down0 left down.
const LINKS = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], mtu: 65536, operstate: 'UNKNOWN', link_type: 'loopback', address: '00:00:00:00:00:00' },
  {
    ifindex: 2,
    ifname: 'vlabt0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    operstate: 'UNKNOWN',
    link_type: 'ether',
    address: '0e:d9:ed:28:2a:55',
    ifalias: 'vlab:demo',
    linkinfo: { info_kind: 'bridge' },
  },
  {
    ifindex: 3,
    ifname: 've1',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    operstate: 'UP',
    link_type: 'ether',
    address: '02:35:CF:34:54:FC',
    linkinfo: { info_kind: 'veth' },
    link: 've0',
  },
  {
    ifindex: 4,
    ifname: 've0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    operstate: 'UP',
    link_type: 'ether',
    address: '0e:d9:ed:28:2a:55',
    master: 'vlabt0',
    linkinfo: { info_kind: 'veth', info_slave_kind: 'bridge' },
    link: 've1',
  },
  {
    ifindex: 5,
    ifname: 'down0',
    flags: ['BROADCAST', 'MULTICAST'],
    mtu: 1500,
    operstate: 'DOWN',
    link_type: 'ether',
    address: '9a:66:43:61:a2:3c',
    linkinfo: { info_kind: 'bridge' },
  },
  // A plain physical NIC as the host shows it (no linkinfo).
  {
    ifindex: 6,
    ifname: 'eth0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    mtu: 1500,
    operstate: 'UP',
    link_type: 'ether',
    address: '02:fc:00:00:00:01',
    parentbus: 'virtio',
    parentdev: 'virtio0',
  },
]);

const ADDRS =
  '[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8,"scope":"host","label":"lo","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":2,"ifname":"vlabt0","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UNKNOWN","group":"default","txqlen":1000,"addr_info":[{"family":"inet","local":"172.16.0.1","prefixlen":16,"scope":"global","label":"vlabt0","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{"ifindex":3,"link":"ve0","ifname":"ve1","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"mtu":1500,"qdisc":"noqueue","operstate":"UP","group":"default","txqlen":1000,"addr_info":[{"family":"inet","local":"198.18.0.1","prefixlen":24,"scope":"global","label":"ve1","valid_life_time":4294967295,"preferred_life_time":4294967295},{"family":"inet","local":"198.18.1.1","prefixlen":24,"scope":"global","label":"ve1","valid_life_time":4294967295,"preferred_life_time":4294967295}]},{},{"ifindex":5,"ifname":"down0","addr_info":[]}]';

const ROUTES =
  '[{"dst":"default","gateway":"198.18.0.254","dev":"ve1","flags":[]},{"dst":"10.9.0.0/16","gateway":"198.18.0.5","dev":"ve1","flags":[]},{"dst":"172.16.0.0/16","dev":"vlabt0","protocol":"kernel","scope":"link","prefsrc":"172.16.0.1","flags":[]},{"dst":"198.18.0.0/24","dev":"ve1","protocol":"kernel","scope":"link","prefsrc":"198.18.0.1","flags":[]},{"dst":"198.18.1.0/24","dev":"ve1","protocol":"kernel","scope":"link","prefsrc":"198.18.1.1","flags":[]},{"dst":"10.1.2.3","gateway":"198.18.0.5","dev":"ve1","flags":[]},{"type":"blackhole","dst":"10.66.0.0/16","flags":[]},{"type":"unreachable","dst":"10.67.0.0/16","dev":"lo","flags":[]}]';

test('parseLinks: kind, master, alias, admin state, mac', () => {
  const links = parseLinks(LINKS);
  assert.deepEqual(links, [
    { name: 'lo', up: true },
    { name: 'vlabt0', up: true, kind: 'bridge', alias: 'vlab:demo', mac: '0e:d9:ed:28:2a:55' },
    { name: 've1', up: true, kind: 'veth', mac: '02:35:cf:34:54:fc' },
    { name: 've0', up: true, kind: 'veth', master: 'vlabt0', mac: '0e:d9:ed:28:2a:55' },
    { name: 'down0', up: false, kind: 'bridge', mac: '9a:66:43:61:a2:3c' },
    { name: 'eth0', up: true, mac: '02:fc:00:00:00:01' },
  ]);
});

test('parseLinks: wireless comes from the predicate', () => {
  const links = parseLinks(LINKS, (n) => n === 'eth0');
  assert.equal(links.find((l) => l.name === 'eth0')?.wireless, true);
  assert.equal(links.find((l) => l.name === 've0')?.wireless, undefined);
});

test('parseAddrs: every IPv4 address with its prefix and scope (what an uplink move restores); empty entries ignored', () => {
  assert.deepEqual(parseAddrs(ADDRS), [
    { ifname: 'lo', cidr: '127.0.0.1/8', scope: 'host' },
    { ifname: 'vlabt0', cidr: '172.16.0.1/16', scope: 'global' },
    { ifname: 've1', cidr: '198.18.0.1/24', scope: 'global' },
    { ifname: 've1', cidr: '198.18.1.1/24', scope: 'global' },
  ]);
});

test('parseRoutes: default, prefixes, host routes as /32, no blackhole/unreachable', () => {
  assert.deepEqual(parseRoutes(ROUTES), [
    { dst: 'default', dev: 've1', gateway: '198.18.0.254' },
    { dst: '10.9.0.0/16', dev: 've1', gateway: '198.18.0.5' },
    { dst: '172.16.0.0/16', dev: 'vlabt0', protocol: 'kernel', scope: 'link', prefsrc: '172.16.0.1' },
    { dst: '198.18.0.0/24', dev: 've1', protocol: 'kernel', scope: 'link', prefsrc: '198.18.0.1' },
    { dst: '198.18.1.0/24', dev: 've1', protocol: 'kernel', scope: 'link', prefsrc: '198.18.1.1' },
    { dst: '10.1.2.3/32', dev: 've1', gateway: '198.18.0.5' },
  ]);
});

test('parsers: empty output is no entries; garbage is a HostError', () => {
  assert.deepEqual(parseLinks(''), []);
  assert.deepEqual(parseRoutes('[]\n'), []);
  assert.throws(() => parseAddrs('Object "addr" is unknown'), { name: 'HostError' });
  assert.throws(() => parseLinks('{}'), /not a JSON array/);
});
