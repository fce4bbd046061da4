/**
 * Whether KVM works for ordinary guests. /dev/kvm alone is not enough: on PVM hosts
 * (/sys/module/kvm_pvm) it belongs to a paravirtual hypervisor in which an ordinary guest
 * kernel hangs and the libguestfs appliance aborts ("failed to set MSR 0x10a"), so vlab runs
 * guests under TCG there.
 */
import fs from 'node:fs';
import type { AccelFacts } from '../plan/facts.js';

/**
 * KVM is usable iff /dev/kvm exists, kvm_pvm is not loaded, and kvm_intel or kvm_amd is.
 * `exists` is injectable for tests.
 */
export function detectAccel(exists: (path: string) => boolean = fs.existsSync): AccelFacts {
  if (!exists('/dev/kvm')) return { kvm: false, reason: '/dev/kvm missing: no hardware virtualisation here (nested virtualisation off, or kvm modules not loaded)' };
  if (exists('/sys/module/kvm_pvm')) return { kvm: false, reason: 'kvm_pvm module loaded: /dev/kvm belongs to a PVM hypervisor, where ordinary guests hang' };
  if (exists('/sys/module/kvm_intel')) return { kvm: true, reason: '/dev/kvm with kvm_intel' };
  if (exists('/sys/module/kvm_amd')) return { kvm: true, reason: '/dev/kvm with kvm_amd' };
  return { kvm: false, reason: '/dev/kvm exists but neither kvm_intel nor kvm_amd is loaded' };
}
