import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { parseSyncMessage, SyncPipeReader } from './sync-pipe.js';
import { monitorError } from './monitor-error.js';

test('parseSyncMessage reads conmon\'s JSON lines', () => {
  assert.deepEqual(parseSyncMessage('{"data": 22094}'), { data: 22094 });
  assert.deepEqual(parseSyncMessage('{"data": -1, "message": "runc create failed: x\\n"}'), { data: -1, message: 'runc create failed: x\n' });
  for (const line of ['', 'x', '{}', '{"data": "1"}', '{"data": 1.5}', 'null', '[1]', '{"pid": 1}']) {
    assert.equal(parseSyncMessage(line), undefined, line);
  }
});

test('SyncPipeReader splits messages across chunks and queues early ones', async () => {
  const s = new PassThrough();
  const r = new SyncPipeReader(s);
  s.write('{"data": 1');
  s.write('2}\n{"data": 0}\n');
  assert.deepEqual(await r.next(1000), { data: 12 });
  assert.deepEqual(await r.next(1000), { data: 0 });
  const pending = r.next(Infinity);
  s.write('{"data": 42}\n');
  assert.deepEqual(await pending, { data: 42 });
  s.end();
  await assert.rejects(r.next(1000), /closed the pipe/);
});

test('SyncPipeReader rejects garbage, overlong lines and silence', async () => {
  const a = new PassThrough();
  const ra = new SyncPipeReader(a);
  a.write('conmon: option parsing failed\n');
  await assert.rejects(ra.next(1000), /unexpected message/);
  const b = new PassThrough();
  const rb = new SyncPipeReader(b);
  b.write('x'.repeat(70 * 1024));
  await assert.rejects(rb.next(1000), /overlong/);
  const c = new PassThrough();
  await assert.rejects(new SyncPipeReader(c).next(20), /did not answer within 20 ms/);
});

test('monitorError keeps runc\'s words and classifies them', () => {
  const notFound = monitorError('create', 'c1', '{"level":"error","msg":"runc create failed: unable to start container process: exec: \\"nosuch\\": executable file not found in $PATH","time":"t"}');
  assert.equal(notFound.code, 'WHARF_RUNTIME_CREATE_FAILED');
  assert.equal(notFound.message, 'runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH');
  assert.equal(monitorError('exec', 'c1', 'exec failed: unable to start container process: exec: "x": permission denied\n').code, 'WHARF_RUNTIME_EXEC_FAILED');
  const gone = monitorError('exec', 'c1', 'time="t" level=error msg="exec failed: container does not exist"');
  assert.equal(gone.kind, 'NotFound');
  assert.equal(monitorError('exec', 'c1', 'cannot exec in a stopped container').kind, 'Conflict');
  assert.equal(monitorError('create', 'c1', '').message, 'create failed (conmon gave no reason)');
});
