import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { kindOf } from '../../common/errors.js';
import { DataRootLayout } from '../../core/layout.js';
import { AttachService, type AttachRequest } from './attach.js';
import { EventRecorder, FakeStreamRuntime, MemoryStore, QUIET_LOG, collect } from './attach-testing.js';
import { testId, testRecord } from './testing/records.js';

const layout = new DataRootLayout('/tmp/wharf-attach-test');
const ID = testId(5);
const REQ: AttachRequest = { stdin: false, stdout: true, stderr: true, logs: false, stream: true, detachKeys: '' };

function setup(status: 'created' | 'running' | 'exited' | 'paused' | 'restarting', logPath = '') {
  const r = testRecord(layout, ID, 'web', { state: { status } });
  const store = new MemoryStore([{ ...r, paths: { ...r.paths, logPath } }]);
  const runtime = new FakeStreamRuntime();
  const events = new EventRecorder();
  return { store, runtime, events, attach: new AttachService({ store, runtime, events, log: QUIET_LOG }) };
}

const signal = (): AbortSignal => new AbortController().signal;

test('attach to a created container waits for the created hook and gets output from the first byte', async () => {
  const t = setup('created');
  const session = await t.attach.prepare('web', REQ);
  assert.equal(t.runtime.attaches.length, 0, 'no monitor yet: the client is registered, not connected');
  const out = collect();
  const done = session.run({ stdout: out.writable, stderr: collect().writable }, signal());
  await t.attach.listener.created?.(t.store.get(ID));
  const a = t.runtime.attaches[0];
  assert.ok(a);
  a.handle.stdout.write('first\n');
  a.handle.exit();
  assert.equal(await done, 'ended');
  assert.equal(out.text(), 'first\n');
});

test('attach to a created container the runtime already has connects at once', async () => {
  const t = setup('created');
  t.runtime.states.set(ID, { status: 'created', pid: 9 });
  await t.attach.prepare('web', REQ);
  assert.equal(t.runtime.attaches.length, 1);
});

test('attach to a stopped container waits for its next start; removal ends the wait', async () => {
  const t = setup('exited');
  const session = await t.attach.prepare('web', REQ);
  const done = session.run({ stdout: collect().writable }, signal());
  t.attach.listener.removed?.(t.store.get(ID));
  assert.equal(await done, 'ended');
  const gone = setup('exited');
  const s2 = await gone.attach.prepare('web', REQ);
  const ac = new AbortController();
  const d2 = s2.run({ stdout: collect().writable }, ac.signal);
  ac.abort();
  assert.equal(await d2, 'client-gone');
  await gone.attach.listener.created?.(gone.store.get(ID));
  assert.equal(gone.runtime.attaches.length, 0, 'a client that left is not connected later');
});

test('attach refuses paused and restarting containers and bad detach keys, in Docker\'s words', async () => {
  await assert.rejects(setup('paused').attach.prepare('web', REQ), (e: Error) => kindOf(e) === 'Conflict' && e.message === 'container web is paused, unpause the container before attach');
  await assert.rejects(setup('restarting').attach.prepare('web', REQ), (e: Error) => kindOf(e) === 'Conflict' && e.message === 'container web is restarting, wait until the container is running');
  await assert.rejects(setup('running').attach.prepare('web', { ...REQ, detachKeys: 'ctrl-P' }), /Invalid detach keys \(ctrl-P\) provided/);
  await assert.rejects(setup('running').attach.prepare('nope', REQ), /No such container: nope/);
});

test('stdin is used only when the container keeps it open', async () => {
  const t = setup('running');
  await t.attach.prepare('web', { ...REQ, stdin: true });
  assert.deepEqual(t.runtime.attaches[0]?.opts, { stdin: false }, 'OpenStdin is false in this container');
});

test('logs=1 replays the log (stdout and stderr apart) before the live stream; logs only ends at once', async (t) => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-attach-log-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const logPath = path.join(dir, 'ctr.log');
  await fs.writeFile(logPath, '2026-01-01T00:00:00.000000000Z stdout F one\n2026-01-01T00:00:00.100000000Z stderr F two\n2026-01-01T00:00:00.200000000Z stdout P thr\n2026-01-01T00:00:00.300000000Z stdout F ee\n');
  const s = setup('exited', logPath);
  const session = await s.attach.prepare('web', { ...REQ, logs: true, stream: false });
  const out = collect();
  const err = collect();
  assert.equal(await session.run({ stdout: out.writable, stderr: err.writable }, signal()), 'logs-only');
  assert.equal(out.text(), 'one\nthree\n');
  assert.equal(err.text(), 'two\n');
  assert.deepEqual(s.events.actions(), ['attach']);
  const onlyErr = setup('exited', logPath);
  const errOnly = collect();
  await (await onlyErr.attach.prepare('web', { ...REQ, stdout: false, logs: true, stream: false })).run({ stdout: collect().writable, stderr: errOnly.writable }, signal());
  assert.equal(errOnly.text(), 'two\n');
});

test('resize needs a running container and publishes the resize event', async () => {
  const t = setup('running');
  await t.attach.resize('web', { height: 10, width: 20 });
  assert.deepEqual(t.runtime.resizes, [{ id: ID, size: { height: 10, width: 20 } }]);
  assert.deepEqual(t.events.actions(), ['resize']);
  await assert.rejects(setup('exited').attach.resize('web', { height: 1, width: 1 }), (e: Error) => e.message === `container ${ID} is not running`);
});

test('cancel before run drops the connection; after run it is the session\'s', async () => {
  const t = setup('running');
  const s1 = await t.attach.prepare('web', REQ);
  s1.cancel();
  assert.equal(t.runtime.attaches[0]?.handle.detached, true);
  const s2 = await t.attach.prepare('web', REQ);
  const done = s2.run({ stdout: collect().writable }, signal());
  const a = t.runtime.attaches[1];
  a?.handle.exit();
  assert.equal(await done, 'ended');
  s2.cancel();
  assert.equal(a?.handle.detached, false);
});
