/** A clean host as the doctor's probe would read it (TCG under PVM, like these machines), for fake-host and check tests. */
import type { ProbeFacts } from '../../src/doctor/facts.js';

export function cleanProbe(over: Partial<ProbeFacts> = {}): ProbeFacts {
  return {
    uri: 'qemu:///system',
    libvirt: { answers: true, version: 'libvirtd 9.0.0' },
    qemu: { binary: '/usr/bin/qemu-system-x86_64', machines: ['pc-i440fx-7.2', 'pc', 'q35', 'pc-q35-7.2'] },
    kvm: {
      accel: { kvm: false, reason: 'kvm_pvm module loaded: /dev/kvm belongs to a PVM hypervisor, where ordinary guests hang' },
      dev: { mode: 0o660, uid: 0, gid: 997, group: 'kvm' },
      cpuFlag: 'vmx',
    },
    qemuUser: { name: 'libvirt-qemu', uid: 64055, gids: [64055, 997], groups: ['libvirt-qemu', 'kvm'] },
    iptables: { backend: 'nf_tables', nftRules: 0, forwardPolicy: 'ACCEPT', docker: false, ufwChains: false },
    firewalldRunning: false,
    ufwEnabled: false,
    brNetfilter: { loaded: false },
    tools: Object.fromEntries(
      ['virsh', 'qemu-img', 'qemu-storage-daemon', 'debugfs', 'guestfish', 'xorriso', 'ssh-keygen', 'ping', 'ip', 'iptables'].map((t) => [t, `/usr/bin/${t}`]),
    ),
    stateRoot: {
      path: '/var/lib/vlab',
      chain: [
        { dir: '/', mode: 0o755, uid: 0, gid: 0 },
        { dir: '/var', mode: 0o755, uid: 0, gid: 0 },
        { dir: '/var/lib', mode: 0o755, uid: 0, gid: 0 },
      ],
      freeBytes: 50 * 1024 ** 3,
    },
    memAvailableBytes: 20 * 1024 ** 3,
    ...over,
  };
}
