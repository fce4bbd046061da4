import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectAccel } from '../../src/host/accel.js';

const only =
  (...paths: string[]) =>
  (p: string) =>
    paths.includes(p);

test('kvm usable with /dev/kvm and kvm_intel or kvm_amd', () => {
  assert.equal(detectAccel(only('/dev/kvm', '/sys/module/kvm_intel')).kvm, true);
  assert.equal(detectAccel(only('/dev/kvm', '/sys/module/kvm_amd')).kvm, true);
});

test('no kvm: missing /dev/kvm, PVM hypervisor, no vendor module', () => {
  assert.match(detectAccel(only()).reason, /\/dev\/kvm missing/);
  const pvm = detectAccel(only('/dev/kvm', '/sys/module/kvm_pvm', '/sys/module/kvm_intel'));
  assert.equal(pvm.kvm, false);
  assert.match(pvm.reason, /kvm_pvm/);
  assert.equal(detectAccel(only('/dev/kvm')).kvm, false);
});
