import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseImageInfo } from '../../src/host/qemu-img.js';

// qemu-img 7.2 `info -U --output=json` of an overlay.
const OVERLAY = `{
    "backing-filename-format": "qcow2",
    "virtual-size": 33554432,
    "filename": "ov.qcow2",
    "cluster-size": 65536,
    "format": "qcow2",
    "actual-size": 200704,
    "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "compression-type": "zlib", "lazy-refcounts": false, "refcount-bits": 16, "corrupt": false, "extended-l2": false}},
    "full-backing-filename": "/srv/images/d1.qcow2",
    "backing-filename": "d1.qcow2",
    "dirty-flag": false
}`;

test('parseImageInfo: format, size, absolute backing file', () => {
  assert.deepEqual(parseImageInfo(OVERLAY), { format: 'qcow2', virtualSize: 33554432, backingFile: '/srv/images/d1.qcow2', actualBytes: 200704 });
});

test('parseImageInfo: raw image without backing file', () => {
  assert.deepEqual(parseImageInfo('{"virtual-size": 1048576, "filename": "x.img", "format": "raw", "actual-size": 4096, "dirty-flag": false}'), {
    format: 'raw',
    virtualSize: 1048576,
    actualBytes: 4096,
  });
});

test('parseImageInfo: internal snapshots with the size of their saved memory', () => {
  const json = JSON.stringify({
    format: 'qcow2',
    'virtual-size': 1 << 26,
    'actual-size': 80 << 20,
    snapshots: [
      { id: '1', name: 'ready', 'vm-state-size': 78593137, 'date-sec': 1, 'date-nsec': 0, 'vm-clock-sec': 7, 'vm-clock-nsec': 0, icount: -1 },
      { id: '2', name: 'disk-only', 'date-sec': 2 },
    ],
  });
  assert.deepEqual(parseImageInfo(json).snapshots, [
    { name: 'ready', vmStateBytes: 78593137 },
    { name: 'disk-only', vmStateBytes: 0 },
  ]);
});

test('parseImageInfo: garbage is a HostError', () => {
  assert.throws(() => parseImageInfo('qemu-img: Could not open', 'x.img'), { name: 'HostError', message: /x\.img/ });
  assert.throws(() => parseImageInfo('{}'), /no format/);
});
