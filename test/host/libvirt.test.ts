import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentError, ownerOf, parseAgentReply, parseDomState } from '../../src/host/libvirt/index.js';
import { isConnectionError } from '../../src/host/libvirt-binding.js';
import { isNotFound, parseNameList } from '../../src/host/virsh.js';

// `virsh net-dumpxml` of a vlab network (libvirt 9.0 keeps the metadata element as given).
const NET = `<network>
  <name>vlab-demo-lan</name>
  <uuid>455de468-5f20-4b79-99ea-40af8b9977ad</uuid>
  <metadata>
    <vlab:owner xmlns:vlab="https://vlab.dev/xmlns/vlab/1" lab="demo" network="lan"/>
  </metadata>
  <forward mode='bridge'/>
  <bridge name='vlabtbr1'/>
</network>
`;
const FOREIGN = `<network>
  <name>default</name>
  <metadata><x:owner xmlns:x="https://example.org/other" lab="nope"/></metadata>
  <forward mode='nat'/>
</network>`;

test('ownerOf: the lab of vlab metadata, any prefix; nothing for foreign or broken XML', async () => {
  assert.equal(await ownerOf(NET), 'demo');
  assert.equal(await ownerOf(NET.replace('<vlab:owner xmlns:vlab=', '<v:owner xmlns:v=')), 'demo');
  assert.equal(await ownerOf(FOREIGN), undefined);
  assert.equal(await ownerOf('<network><name>x</name></network>'), undefined);
  assert.equal(await ownerOf('<network><name>x</nam'), undefined);
});

test('parseDomState maps virsh words', () => {
  assert.equal(parseDomState('running\n\n'), 'running');
  assert.equal(parseDomState('shut off\n'), 'shut off');
  assert.equal(parseDomState('in shutdown'), 'in shutdown');
  assert.equal(parseDomState('something new'), 'no state');
});

test('parseAgentReply returns `return`, turns agent errors into HostError', () => {
  assert.deepEqual(parseAgentReply('g', '{"return":{"pid":1234}}\n'), { pid: 1234 });
  assert.deepEqual(parseAgentReply('g', '{"return":{}}'), {});
  assert.throws(() => parseAgentReply('g', '{"error":{"class":"GenericError","desc":"Guest agent command failed, error was \'Failed to execute child process\'"}}'), {
    name: 'HostError',
    message: /guest g: guest agent error GenericError: Guest agent command failed/,
  });
  assert.throws(() => parseAgentReply('g', 'not json'), /not JSON/);
});

test('agentError: messages virsh 9.0 prints', () => {
  assert.match(agentError('web', 'error: Requested operation is not valid: domain is not running\n').message, /guest web: the domain is not running/);
  assert.match(
    agentError('web', 'error: Guest agent is not responding: QEMU guest agent is not connected\n').message,
    /qemu guest agent not answering; is qemu-guest-agent installed and running in the guest\?/,
  );
  assert.match(agentError('web', "error: failed to get domain 'web'\n").message, /no such libvirt domain/);
  assert.match(agentError('web', 'error: Guest agent is not responding: Guest agent not available for now').message, /not answering/);
});

test('virsh helpers', () => {
  assert.deepEqual(parseNameList('default\nvlab-demo-lan\n\n'), ['default', 'vlab-demo-lan']);
  assert.equal(isNotFound("error: failed to get network 'nope'\nerror: Network not found: no network with matching name 'nope'"), true);
  assert.equal(isNotFound("Domain not found: no domain with matching name 'vlabt-d1'"), true);
  assert.equal(isNotFound('error: Failed to connect socket'), false);
  assert.equal(isConnectionError('Cannot write data: Broken pipe'), true);
  assert.equal(isConnectionError('internal error: client socket is closed'), true);
  assert.equal(isConnectionError("Domain not found: no domain with matching name 'x'"), false);
});
