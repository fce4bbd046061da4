import { execa } from 'execa';
const env = { LIBGUESTFS_BACKEND: 'direct', LIBGUESTFS_BACKEND_SETTINGS: 'force_tcg' };
let s = performance.now();
const r = await execa('guestfish', ['--listen', '--rw', '-a', '/tmp/vlab-host-sb/exp/d1.qcow2', '-a', '/tmp/vlab-host-sb/exp/d2.qcow2'], { env, reject: false });
console.log('listen', r.exitCode, JSON.stringify(r.stdout), r.stderr, (performance.now()-s).toFixed(0));
const pid = r.stdout.match(/GUESTFISH_PID=(\d+)/)[1];
const g = async (...a) => { const t = performance.now(); const x = await execa('guestfish', [`--remote=${pid}`, '--', ...a], { env, reject: false }); console.log(a.join(' ').slice(0,60), '->', x.exitCode, JSON.stringify(x.stdout).slice(0,300), x.stderr, (performance.now()-t).toFixed(0)+'ms'); return x; };
s = performance.now(); await g('run'); console.log('run ms', (performance.now()-s).toFixed(0));
await g('list-devices'); await g('list-partitions'); await g('list-filesystems'); await g('inspect-os');
await g('mount', '/dev/sda', '/');
await g('mkdir-p', '/etc/x y'); await g('write', '/etc/x y/f', 'hello\nworld "q" $HOME :'); await g('chmod', '0600', '/etc/x y/f');
await g('cat', '/etc/x y/f'); await g('stat', '/etc/x y/f');
await g('is-file', '/sbin/ifup'); await g('is-file', '/nope'); await g('glob-expand', '/etc/netplan/*.yaml'); await g('exists', '/etc/network/interfaces');
await g('is-file', '/sbin/ifup', ':', 'is-dir', '/etc', ':', 'exists', '/nope');
await g('umount-all'); await g('mount', '/dev/sdb', '/'); await g('glob-expand', '/etc/netplan/*.yaml'); await g('ls', '/etc/netplan');
await g('bogus-cmd');
await g('umount-all'); await g('sync');
s = performance.now(); await g('exit'); console.log('exit ms', (performance.now()-s).toFixed(0));
try { process.kill(Number(pid), 0); console.log('still alive'); } catch { console.log('gone'); }
