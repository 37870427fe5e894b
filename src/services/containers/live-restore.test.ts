import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import { eventually, testEngine } from './testing/test-engine.js';

const API = '1.50';

test('a restarted daemon re-adopts running containers and records exits it missed', async (t) => {
  const e = await testEngine(t);
  const keep = await e.engine.create({ Image: 'busybox' }, { name: 'keep', apiVersion: API });
  const gone = await e.engine.create({ Image: 'busybox' }, { name: 'gone', apiVersion: API });
  const lost = await e.engine.create({ Image: 'busybox' }, { name: 'lost', apiVersion: API });
  for (const c of [keep, gone, lost]) await e.engine.start(c.id);
  e.engine.close();
  e.runtime.exit(gone.id, 7, { notify: false });
  // A monitor that died without recording anything.
  const lostState = e.runtime.containers.get(lost.id);
  if (lostState) lostState.monitorAlive = false;
  const after = await e.reopen();
  const k = after.store.get('keep');
  assert.deepEqual([k.state.status, k.state.pid > 0], ['running', true]);
  const g = after.store.get('gone');
  assert.deepEqual([g.state.status, g.state.exitCode], ['exited', 7]);
  assert.equal(after.store.get('lost').state.exitCode, 255);
  // Only keep's root is still mounted; the exited ones are unmounted and forgotten by the runtime.
  assert.deepEqual([...after.mounter.mounted.keys()], [k.paths.rootfs]);
  assert.deepEqual([...after.runtime.containers.keys()], [keep.id]);
  // The re-adopted container's exit is handled by the new engine.
  after.runtime.exit(keep.id, 0);
  await eventually('the exit', () => after.store.get('keep').state.status === 'exited');
  assert.equal(after.store.get('keep').state.status, 'exited');
  assert.equal(after.mounter.mounted.size, 0);
});

test('a restarted daemon finishes an interrupted removal and undoes an interrupted start', async (t) => {
  const e = await testEngine(t);
  const half = await e.engine.create({ Image: 'busybox' }, { name: 'half', apiVersion: API });
  const doomed = await e.engine.create({ Image: 'busybox' }, { name: 'doomed', apiVersion: API });
  await e.engine.start(half.id);
  await e.engine.start(doomed.id);
  e.engine.close();
  // A crash after the runtime created `half` but before its record said running.
  await e.store.update(half.id, (c) => ({ ...c, state: { ...c.state, status: 'created', pid: 0 } }));
  const runtimeHalf = e.runtime.containers.get(half.id);
  if (runtimeHalf) runtimeHalf.status = 'created';
  // A crash in the middle of `rm -f doomed`: marked removing, still mounted and known to the runtime.
  await e.store.update(doomed.id, (c) => ({ ...c, state: { ...c.state, status: 'removing' } }));
  const after = await e.reopen();
  assert.equal(after.store.find('doomed'), undefined);
  await assert.rejects(fs.stat(after.stores.layout.container(doomed.id)), { code: 'ENOENT' });
  const h = after.store.get('half');
  assert.equal(h.state.status, 'created');
  assert.equal(after.runtime.containers.size, 0);
  assert.equal(after.mounter.mounted.size, 0);
});

test('a restarted daemon restarts stopped containers whose policy says so', async (t) => {
  const e = await testEngine(t);
  const always = await e.engine.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always' } } }, { name: 'always', apiVersion: API });
  const unless = await e.engine.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'unless-stopped' } } }, { name: 'unless', apiVersion: API });
  const never = await e.engine.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always' } } }, { name: 'never-ran', apiVersion: API });
  await e.engine.start(always.id);
  await e.engine.start(unless.id);
  await e.engine.stop(always.id);
  await e.engine.stop(unless.id);
  e.engine.close();
  const after = await e.reopen();
  await eventually('the restart', () => after.store.get('always').state.status === 'running');
  assert.equal(after.store.get('unless').state.status, 'exited');
  assert.equal(after.store.get(never.id).state.status, 'created');
});

test('an AutoRemove container that exited while the daemon was down is removed at start-up', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox', HostConfig: { AutoRemove: true } }, { apiVersion: API });
  await e.engine.start(id);
  e.engine.close();
  e.runtime.exit(id, 0, { notify: false });
  const after = await e.reopen();
  assert.equal(after.store.find(id), undefined);
});
