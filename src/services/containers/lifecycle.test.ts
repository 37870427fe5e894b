import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eventually, testEngine } from './testing/test-engine.js';

const API = '1.50';

test('create stores a record, reserves the name, makes the dirs and publishes create', async (t) => {
  const e = await testEngine(t);
  const { id, warnings } = await e.engine.create({ Image: 'busybox', Cmd: ['echo', 'hi'], Labels: { a: 'b' } }, { name: 'web', apiVersion: API });
  assert.match(id, /^[a-f0-9]{64}$/);
  assert.deepEqual(warnings, []);
  const r = e.store.get('web');
  assert.equal(r.id, id);
  assert.equal(r.state.status, 'created');
  assert.equal(r.imageId, e.image.id);
  assert.deepEqual([r.config.path, ...r.config.args], ['echo', 'hi']);
  assert.equal(r.hostname, id.slice(0, 12));
  await fs.stat(r.paths.upper);
  await fs.stat(r.paths.work);
  assert.deepEqual(e.stores.events.actions(), ['create web']);
  assert.equal(e.stores.events.events[0]?.actor.attributes['a'], 'b');
  const second = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  assert.match(e.store.get(second.id).name, /^[a-z]+_[a-z]+$/);
});

test('create refuses what Docker refuses', async (t) => {
  const e = await testEngine(t);
  await e.engine.create({ Image: 'busybox' }, { name: 'web', apiVersion: API });
  await assert.rejects(e.engine.create({ Image: 'busybox' }, { name: 'web', apiVersion: API }), { kind: 'Conflict', message: /The container name "\/web" is already in use/ });
  await assert.rejects(e.engine.create({ Image: 'nosuch' }, { apiVersion: API }), { kind: 'NotFound', message: 'No such image: nosuch:latest' });
  await assert.rejects(e.engine.create({ Image: 'busybox' }, { name: 'a b', apiVersion: API }), { kind: 'InvalidArgument', message: /Invalid container name \(a b\)/ });
  await assert.rejects(e.engine.create({ Image: 'busybox', Entrypoint: [''] }, { apiVersion: API }), { kind: 'InvalidArgument', message: 'no command specified' });
  await assert.rejects(e.engine.create({ Image: 'busybox' }, { apiVersion: API, platform: 'linux/arm64' }), { kind: 'NotFound', message: /does not match the specified platform: wanted linux\/arm64, actual: linux\/amd64/ });
  await assert.rejects(e.engine.create(null, { apiVersion: API }), { kind: 'InvalidArgument' });
  // Nothing of the refused creates stays behind: one record, one directory.
  assert.equal(e.store.list().length, 1);
  assert.equal((await fs.readdir(e.stores.layout.containersDir)).length, 1);
});

test('start mounts the overlay root, writes the host files and config.json, and runs the process', async (t) => {
  const e = await testEngine(t, { Entrypoint: ['/bin/entry'] });
  const { id } = await e.engine.create({ Image: 'busybox', Cmd: ['serve'], Env: ['A=1'], Hostname: 'box' }, { name: 'web', apiVersion: API });
  await e.engine.start('web');
  const r = e.store.get(id);
  assert.equal(r.state.status, 'running');
  assert.ok(r.state.pid > 0);
  assert.notEqual(r.state.startedAt, '0001-01-01T00:00:00Z');
  const mounts = e.mounter.mounted.get(r.paths.rootfs);
  assert.equal(mounts?.[0]?.type, 'overlay');
  assert.ok(mounts?.[0]?.options.includes(`upperdir=${r.paths.upper}`));
  const spec = e.runtime.specOf(id) as { process: { args: string[]; env: string[] }; hostname: string };
  assert.deepEqual(spec.process.args, ['/bin/entry', 'serve']);
  assert.ok(spec.process.env.includes('A=1'));
  assert.equal(spec.hostname, 'box');
  assert.equal(await fs.readFile(r.paths.hostnamePath, 'utf8'), 'box\n');
  assert.match(await fs.readFile(r.paths.resolvConfPath, 'utf8'), /nameserver 10\.0\.0\.2/);
  assert.deepEqual(e.stores.events.actions(), ['create web', 'start web']);
  await assert.rejects(e.engine.start('web'), { kind: 'NotModified' });
});

test('start creates the missing host directory of a -v bind, as Docker does', async (t) => {
  const e = await testEngine(t);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-bind-src-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const source = path.join(dir, 'made', 'by', 'start');
  const { id } = await e.engine.create({ Image: 'busybox', HostConfig: { Binds: [`${source}:/data`] } }, { apiVersion: API });
  await e.engine.start(id);
  assert.ok((await fs.stat(source)).isDirectory());
  assert.equal((await fs.stat(source)).mode & 0o777, 0o755);
  const spec = e.runtime.specOf(id) as { mounts: { source: string; destination: string }[] };
  assert.ok(spec.mounts.some((m) => m.source === source && m.destination === '/data'));
});

test('a start the runtime refuses is recorded with Docker\'s exit code and leaves nothing mounted', async (t) => {
  const e = await testEngine(t);
  e.runtime.createFailures.set('nosuch', 'runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH');
  e.runtime.createFailures.set('/etc', 'runc create failed: unable to start container process: exec: "/etc": permission denied');
  const a = await e.engine.create({ Image: 'busybox', Cmd: ['nosuch'] }, { apiVersion: API });
  await assert.rejects(e.engine.start(a.id), {
    kind: 'InvalidArgument',
    message: 'OCI runtime create failed: runc create failed: unable to start container process: exec: "nosuch": executable file not found in $PATH: unknown',
  });
  const r = e.store.get(a.id);
  assert.deepEqual([r.state.status, r.state.exitCode], ['created', 127]);
  assert.match(r.state.error, /executable file not found/);
  assert.equal(e.mounter.mounted.size, 0);
  assert.equal(e.runtime.containers.size, 0);
  const b = await e.engine.create({ Image: 'busybox', Cmd: ['/etc'] }, { apiVersion: API });
  await assert.rejects(e.engine.start(b.id), { kind: 'InvalidArgument', message: /permission denied/ });
  assert.equal(e.store.get(b.id).state.exitCode, 126);
  // A later start that works clears the error.
  e.runtime.createFailures.clear();
  await e.engine.start(a.id);
  assert.deepEqual([e.store.get(a.id).state.error, e.store.get(a.id).state.exitCode], ['', 0]);
});

test('an AutoRemove container that fails to start is removed', async (t) => {
  const e = await testEngine(t);
  e.runtime.createFailures.set('nosuch', 'exec: "nosuch": executable file not found in $PATH');
  const { id } = await e.engine.create({ Image: 'busybox', Cmd: ['nosuch'], HostConfig: { AutoRemove: true } }, { apiVersion: API });
  const removed = e.engine.wait(id, 'removed');
  await assert.rejects(e.engine.start(id), { kind: 'InvalidArgument' });
  assert.equal(e.store.find(id), undefined);
  assert.equal((await removed).exitCode, 127);
});

test('stop sends the stop signal, records the exit and publishes kill, die, stop', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox', StopSignal: 'SIGUSR1' }, { name: 'web', apiVersion: API });
  await e.engine.start(id);
  e.runtime.fatalSignals.add(10);
  await e.engine.stop('web');
  const r = e.store.get(id);
  assert.deepEqual([r.state.status, r.state.exitCode, r.state.pid, r.manuallyStopped], ['exited', 138, 0, true]);
  assert.deepEqual(e.runtime.signals.map((s) => s.signal), [10]);
  assert.equal(e.mounter.mounted.size, 0);
  assert.deepEqual(e.stores.events.actions().slice(2), ['kill web', 'die web', 'stop web']);
  assert.equal(e.stores.events.events.find((x) => x.action === 'die')?.actor.attributes['exitCode'], '138');
  await assert.rejects(e.engine.stop('web'), { kind: 'NotModified' });
});

test('stop falls back to SIGKILL after the timeout', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  await e.engine.start(id);
  e.runtime.ignoreTerm = true;
  const started = Date.now();
  await e.engine.stop(id, { timeout: 1 });
  assert.ok(Date.now() - started >= 900);
  assert.deepEqual(e.runtime.signals.map((s) => s.signal), [15, 9]);
  assert.equal(e.store.get(id).state.exitCode, 137);
});

test('kill needs a running container; a paused one takes only SIGKILL or the stop signal', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  await assert.rejects(e.engine.kill(id), { kind: 'Conflict', message: `Container ${id} is not running` });
  await e.engine.start(id);
  await assert.rejects(e.engine.kill(id, 'NOPE'), { kind: 'InvalidArgument', message: 'Invalid signal: NOPE' });
  await e.engine.kill(id, 'HUP');
  assert.equal(e.store.get(id).state.status, 'running');
  assert.equal(e.store.get(id).manuallyStopped, false);
  await e.engine.pause(id);
  await assert.rejects(e.engine.kill(id, 'HUP'), { kind: 'Conflict', message: /is paused, unpause the container before stopping or killing/ });
  await e.engine.kill(id, 'KILL');
  await eventually('the exit', () => e.store.get(id).state.status === 'exited');
  assert.deepEqual([e.store.get(id).state.status, e.store.get(id).state.exitCode], ['exited', 137]);
});

test('pause and unpause move between running and paused', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { name: 'web', apiVersion: API });
  await assert.rejects(e.engine.pause(id), { kind: 'Conflict', message: `Container ${id} is not running` });
  await e.engine.start(id);
  await e.engine.pause(id);
  assert.equal((await e.runtime.state(id))?.status, 'paused');
  assert.equal(e.store.get(id).state.status, 'paused');
  await assert.rejects(e.engine.pause(id), { message: `Container ${id} is already paused` });
  await e.engine.unpause(id);
  await assert.rejects(e.engine.unpause(id), { message: `Container ${id} is not paused` });
  assert.deepEqual(e.stores.events.actions().slice(2), ['pause web', 'unpause web']);
});

test('wait: not-running returns at once for a stopped container, next-exit and removed wait', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  assert.deepEqual(await e.engine.wait(id, 'not-running'), { exitCode: 0 });
  const next = e.engine.wait(id, 'next-exit');
  const removed = e.engine.wait(id, 'removed');
  await e.engine.start(id);
  e.runtime.exit(id, 3);
  assert.deepEqual(await next, { exitCode: 3 });
  assert.deepEqual(await e.engine.wait(id, 'not-running'), { exitCode: 3 });
  await e.engine.remove(id);
  assert.deepEqual(await removed, { exitCode: 3 });
  assert.throws(() => e.engine.wait(id, 'not-running'), { kind: 'NotFound', message: `No such container: ${id}` });
  const ac = new AbortController();
  const other = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  const aborted = e.engine.wait(other.id, 'next-exit', ac.signal);
  ac.abort();
  await assert.rejects(aborted);
  assert.equal(e.engine.context.waiters.pending(other.id), 0);
});

test('remove refuses a running container without force; with force it kills, unmounts and forgets it', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { name: 'web', apiVersion: API });
  await e.engine.start(id);
  await assert.rejects(e.engine.remove('web'), {
    kind: 'Conflict',
    message: 'cannot remove container "/web": container is running: stop the container before removing or force remove',
  });
  await e.engine.remove('web', { force: true });
  assert.equal(e.store.find(id), undefined);
  assert.equal(e.mounter.mounted.size, 0);
  assert.equal(e.runtime.containers.size, 0);
  await assert.rejects(fs.stat(e.stores.layout.container(id)), { code: 'ENOENT' });
  assert.deepEqual(e.stores.events.actions(), ['create web', 'start web', 'kill web', 'die web', 'destroy web']);
  await e.engine.create({ Image: 'busybox' }, { name: 'web', apiVersion: API });
  await assert.rejects(e.engine.remove('nope'), { kind: 'NotFound', message: 'No such container: nope' });
});

test('rename changes the name and frees the old one', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { name: 'web', apiVersion: API });
  await e.engine.create({ Image: 'busybox' }, { name: 'db', apiVersion: API });
  await assert.rejects(e.engine.rename('web', 'db'), { kind: 'Conflict' });
  await assert.rejects(e.engine.rename('web', 'web'), { kind: 'InvalidArgument', message: 'Renaming a container with the same name as its current name' });
  await assert.rejects(e.engine.rename('web', ''), { kind: 'InvalidArgument', message: 'Neither old nor new names may be empty' });
  await e.engine.rename('web', '/web2');
  assert.equal(e.store.get('web2').id, id);
  assert.equal(e.store.find('web'), undefined);
  const ev = e.stores.events.events.find((x) => x.action === 'rename');
  assert.deepEqual([ev?.actor.attributes['name'], ev?.actor.attributes['oldName']], ['web2', '/web']);
});

test('restart stops a running container and starts it again; it starts a stopped one', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { name: 'web', apiVersion: API });
  await e.engine.restart(id);
  assert.equal(e.store.get(id).state.status, 'running');
  const pid = e.store.get(id).state.pid;
  await e.engine.restart(id, { timeout: 1 });
  assert.equal(e.store.get(id).state.status, 'running');
  assert.notEqual(e.store.get(id).state.pid, pid);
  assert.ok(e.stores.events.actions().includes('restart web'));
});

test('update validates, applies limits to a running container and stores them', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  await e.engine.update(id, { Memory: 64 * 1024 * 1024 });
  assert.equal(e.runtime.updates.length, 0, 'a stopped container is only stored');
  assert.equal(e.store.get(id).spec.resources.memory, 64 * 1024 * 1024);
  await e.engine.start(id);
  await e.engine.update(id, { NanoCpus: 500_000_000, PidsLimit: 50, RestartPolicy: { Name: 'on-failure', MaximumRetryCount: 2 } });
  const sent = e.runtime.updates[0]?.resources as { cpu?: { quota?: number; period?: number }; pids?: { limit: number }; memory?: { limit?: number } };
  assert.deepEqual([sent.cpu?.quota, sent.cpu?.period, sent.pids?.limit, sent.memory?.limit], [50_000, 100_000, 50, 64 * 1024 * 1024]);
  assert.deepEqual(e.store.get(id).spec.restartPolicy, { name: 'on-failure', maximumRetryCount: 2 });
  await assert.rejects(e.engine.update(id, { Memory: 1024 }), { kind: 'InvalidArgument', message: 'Minimum memory limit allowed is 6MB' });
  await assert.rejects(e.engine.update(id, { RestartPolicy: { Name: 'sometimes' } }), { kind: 'InvalidArgument' });
  await assert.rejects(e.engine.update(id, { NanoCpus: 99e9 }), { kind: 'InvalidArgument', message: /range of CPUs/ });
  const rm = await e.engine.create({ Image: 'busybox', HostConfig: { AutoRemove: true } }, { apiVersion: API });
  await assert.rejects(e.engine.update(rm.id, { RestartPolicy: { Name: 'always' } }), {
    message: 'Restart policy cannot be updated because AutoRemove is enabled for the container',
  });
});

test('the engine tells rmi who uses an image and /info the counts', async (t) => {
  const e = await testEngine(t);
  const a = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  const b = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  await e.engine.start(b.id);
  assert.deepEqual(await e.engine.containersUsing(e.image.id), [{ id: b.id, running: true }, { id: a.id, running: false }]);
  await e.engine.pause(b.id);
  assert.deepEqual(await e.engine.counts(), { running: 0, paused: 1, stopped: 1 });
});

test('an AutoRemove container is removed after it exits', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox', HostConfig: { AutoRemove: true } }, { apiVersion: API });
  const removed = e.engine.wait(id, 'removed');
  await e.engine.start(id);
  e.runtime.exit(id, 4);
  assert.deepEqual(await removed, { exitCode: 4 });
  assert.equal(e.store.find(id), undefined);
});

test('an OOM kill is recorded and published', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { name: 'hog', apiVersion: API });
  await e.engine.start(id);
  const done = e.engine.wait(id, 'next-exit');
  e.runtime.exit(id, 137, { oomKilled: true });
  await done;
  assert.equal(e.store.get(id).state.oomKilled, true);
  assert.deepEqual(e.stores.events.actions().slice(-2), ['oom hog', 'die hog']);
});
