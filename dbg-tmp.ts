process.on('unhandledRejection', (e) => { console.log('UNHANDLED', String(e)); });
const fail = async (tag: string) => { throw new Error('boom ' + tag); };
try { await Promise.all([fail('a'), fail('b'), fail('c')]); } catch (e) { console.log('caught', String(e)); }
await new Promise((r) => setTimeout(r, 50));
console.log('---');
const { gatherFacts } = await import('./src/host/facts.ts');
const host = { ip: { listLinks: async () => [], listAddresses: async () => [], listRoutes: async () => [] }, sysctl: { get: async () => '1' }, iptables: { rules: (t: string) => fail('rules ' + t), policy: () => fail('policy') }, libvirt: { listNetworks: () => fail('nets'), listDomains: () => fail('doms') }, qemuImg: { info: fail } } as any;
await gatherFacts({ name: 'x', guests: [], images: [] } as any, host, '/nonexistent');
await new Promise((r) => setTimeout(r, 100));
