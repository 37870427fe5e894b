import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RestartBackoff, RestartScheduler, shouldRestart, shouldRestartAtBoot } from './restart-policy.js';
import { eventually, settle, testEngine } from './testing/test-engine.js';

const API = '1.50';

test('RestartBackoff doubles from 100 ms up to a minute and starts over after a 10 s run', () => {
  const b = new RestartBackoff();
  const delays = Array.from({ length: 12 }, () => b.next(50));
  assert.deepEqual(delays, [100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000]);
  assert.equal(b.next(10_000), 100);
  assert.equal(b.next(9_999), 200);
  b.reset();
  assert.equal(b.next(0), 100);
});

test('shouldRestart follows each policy and never restarts a manual stop', () => {
  const p = (name: 'no' | 'always' | 'on-failure' | 'unless-stopped', max = 0) => ({ name, maximumRetryCount: max });
  assert.equal(shouldRestart(p('no'), 1, 0, false), false);
  assert.equal(shouldRestart(p('always'), 0, 99, false), true);
  assert.equal(shouldRestart(p('always'), 0, 0, true), false);
  assert.equal(shouldRestart(p('unless-stopped'), 0, 0, false), true);
  assert.equal(shouldRestart(p('on-failure'), 0, 0, false), false);
  assert.equal(shouldRestart(p('on-failure'), 2, 5, false), true);
  assert.equal(shouldRestart(p('on-failure', 2), 2, 1, false), true);
  assert.equal(shouldRestart(p('on-failure', 2), 2, 2, false), false);
  // At daemon start: always even after a manual stop, unless-stopped not; never a container that never ran.
  assert.equal(shouldRestartAtBoot(p('always'), 0, 0, true, true), true);
  assert.equal(shouldRestartAtBoot(p('unless-stopped'), 0, 0, true, true), false);
  assert.equal(shouldRestartAtBoot(p('unless-stopped'), 0, 0, false, true), true);
  assert.equal(shouldRestartAtBoot(p('always'), 0, 0, false, false), false);
});

test('RestartScheduler runs, replaces and cancels pending restarts', async () => {
  const s = new RestartScheduler();
  const ran: string[] = [];
  s.schedule('a', 1, () => ran.push('a1'));
  s.schedule('a', 1, () => ran.push('a2'));
  s.schedule('b', 1, () => ran.push('b'));
  assert.equal(s.cancel('b'), true);
  assert.equal(s.cancel('b'), false);
  await settle();
  assert.deepEqual(ran, ['a2']);
  s.schedule('c', 1, () => ran.push('c'));
  s.close();
  await settle();
  assert.deepEqual(ran, ['a2']);
});

test('restart policy always: an exit restarts the container after the backoff, counting restarts', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always' } } }, { name: 'web', apiVersion: API });
  await e.engine.start(id);
  const firstPid = e.store.get(id).state.pid;
  const seen: string[] = [];
  e.engine.addListener({ exited: (rec) => seen.push(rec.state.status) });
  e.runtime.exit(id, 0);
  await eventually('the restart', () => e.store.get(id).state.status === 'running' && e.store.get(id).state.restartCount === 1);
  const r = e.store.get(id);
  assert.notEqual(r.state.pid, firstPid);
  assert.equal(r.state.restartCount, 1);
  assert.deepEqual(seen, ['restarting']);
  assert.equal(e.mounter.mounted.size, 1);
  // A manual stop is final.
  await e.engine.stop(id);
  await new Promise((r2) => setTimeout(r2, 300));
  assert.equal(e.store.get(id).state.status, 'exited');
  // A manual start starts the count over.
  await e.engine.start(id);
  assert.equal(e.store.get(id).state.restartCount, 0);
});

test('restart policy on-failure:1 restarts once, then leaves the container exited', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 1 } } }, { apiVersion: API });
  await e.engine.start(id);
  e.runtime.exit(id, 2);
  await eventually('the restart', () => e.store.get(id).state.status === 'running' && e.store.get(id).state.restartCount === 1);
  e.runtime.exit(id, 2);
  await eventually('the exit', () => e.store.get(id).state.status === 'exited');
  await new Promise((r) => setTimeout(r, 300));
  const r = e.store.get(id);
  assert.deepEqual([r.state.status, r.state.exitCode, r.state.restartCount], ['exited', 2, 1]);
});

test('stop and rm -f cancel a pending restart', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always' } } }, { apiVersion: API });
  // Push the backoff to seconds so the restart is surely still pending when the test stops the container.
  const slow = (): void => {
    for (let i = 0; i < 6; i++) e.engine.context.restarts.delayFor(id, 0);
  };
  await e.engine.start(id);
  slow();
  e.runtime.exit(id, 1);
  await eventually('the scheduled restart', () => e.store.get(id).state.status === 'restarting');
  await e.engine.stop(id);
  assert.equal(e.store.get(id).state.status, 'exited');
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(e.store.get(id).state.status, 'exited');
  await e.engine.start(id);
  slow();
  e.runtime.exit(id, 1);
  await eventually('the scheduled restart', () => e.store.get(id).state.status === 'restarting');
  await e.engine.remove(id, { force: true });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(e.store.find(id), undefined);
  assert.equal(e.runtime.containers.size, 0);
});

test('a stop while a policy restart is being prepared cancels it', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox', HostConfig: { RestartPolicy: { Name: 'always' } } }, { apiVersion: API });
  await e.engine.start(id);
  // Hold the restart between its first phase and the runtime: the seccomp profile is read in between.
  let release = (): void => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const host = e.engine.context.host;
  const gated = async (): ReturnType<typeof host.seccompProfile> => {
    await gate;
    return host.seccompProfile();
  };
  Object.assign(e.engine.context, { host: { ...host, seccompProfile: gated } });
  e.runtime.exit(id, 1);
  await eventually('the restart to be in flight', () => e.engine.context.starting.has(id));
  await e.engine.stop(id);
  release();
  await eventually('the cancelled restart to end', () => !e.engine.context.starting.has(id));
  const r = e.store.get(id);
  assert.deepEqual([r.state.status, r.state.error], ['exited', '']);
  assert.equal(e.runtime.containers.size, 0);
  assert.equal(e.mounter.mounted.size, 0);
});
