/** A libvirt URI naming another host is refused (the lab's host side would be made here, its domains there). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requireLocalUri, uriHost } from '../../src/host/libvirt-uri.js';
import { UsageError } from '../../src/errors.js';

test('local URIs name no host; remote ones do', () => {
  for (const u of ['qemu:///system', 'qemu:///session', 'qemu+unix:///system?socket=/run/x', 'qemu://localhost/system', 'test:///default']) assert.equal(uriHost(u), undefined, u);
  assert.equal(uriHost('qemu+ssh://root@lab2.example/system'), 'lab2.example');
  assert.equal(uriHost('qemu+tcp://10.0.0.5:16509/system'), '10.0.0.5');
});

test('requireLocalUri refuses a remote URI with the fix (exit 2: the user must act)', () => {
  assert.doesNotThrow(() => requireLocalUri('qemu:///system'));
  assert.throws(
    () => requireLocalUri('qemu+ssh://root@lab2/system'),
    (e: unknown) => e instanceof UsageError && /names another host \(lab2\)/.test(e.message) && /local URI/.test(e.hint ?? ''),
  );
});
