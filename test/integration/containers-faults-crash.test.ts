// wharfd killed with SIGKILL in the middle of creates, starts and removals, and 100 containers started at once
// (issue 3, "Bad input and faults"). After each kill a new wharfd starts on the same roots and must show only whole
// containers: each one listed can be inspected and removed, nothing is mounted or monitored that is not a running
// container, and once all are removed nothing at all remains.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { docker, requiresRoot, type Daemon } from './harness.js';
import { api, containerIds, faultDaemon, liveProcessesUnder, mountsUnder, ok, until, type FaultDaemon } from './containers-faults-fixture.js';

interface Inspected {
  readonly Id: string;
  readonly State: { readonly Status: string; readonly Pid: number };
}

async function inspectAll(d: Daemon, ids: readonly string[]): Promise<Inspected[]> {
  const out: Inspected[] = [];
  for (const id of ids) {
    const r = await api(d, 'GET', `/containers/${id}/json`);
    assert.equal(r.status, 200, `inspect ${id}: ${r.body}`);
    out.push(JSON.parse(r.body) as Inspected);
  }
  return out;
}

/** runcIds lists the containers runc knows under this daemon's exec root. */
function runcIds(f: FaultDaemon): string[] {
  const r = spawnSync('runc', ['--root', path.join(f.execRoot, 'runc'), 'list', '-q'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

function entries(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).sort() : [];
}

/**
 * assertWhole checks the daemon's view against the host after a restart: every listed container inspects with a
 * settled state; the data root holds exactly their directories (no half-created or half-removed one); bundles,
 * runc containers, mounts and monitors exist only for containers the daemon knows, and mounts and monitors only for
 * running ones. Returns the containers.
 */
async function assertWhole(f: FaultDaemon): Promise<Inspected[]> {
  const d = f.current;
  const ids = (await containerIds(d)).sort();
  const all = await inspectAll(d, ids);
  for (const c of all) assert.match(c.State.Status, /^(created|running|exited)$/, `${c.Id} is ${c.State.Status}`);
  const running = new Set(all.filter((c) => c.State.Status === 'running').map((c) => c.Id));
  assert.deepEqual(entries(path.join(f.dataRoot, 'containers')), ids, 'the data root holds exactly the listed containers');
  for (const b of entries(path.join(f.execRoot, 'containers'))) assert.ok(ids.includes(b), `bundle ${b} belongs to a listed container`);
  for (const r of runcIds(f)) assert.ok(running.has(r), `runc container ${r} is a running container`);
  for (const m of mountsUnder(f.dir)) {
    const id = /\/exec\/containers\/([0-9a-f]{64})\/rootfs$/.exec(m)?.[1];
    assert.ok(id !== undefined && running.has(id), `mount ${m} is the root of a running container`);
  }
  for (const p of liveProcessesUnder(f.dir)) {
    const id = / -c ([0-9a-f]{64}) /.exec(p.cmd)?.[1];
    assert.ok(id !== undefined && running.has(id), `process ${p.pid} (${p.cmd.slice(0, 80)}) monitors a running container`);
  }
  for (const id of running) {
    const pid = all.find((c) => c.Id === id)?.State.Pid ?? 0;
    assert.ok(pid > 0 && fs.existsSync(`/proc/${pid}`), `running container ${id} has a live process`);
  }
  return all;
}

/** removeAllAndCheck removes every container (rm -f) and then requires a clean host: nothing listed, mounted or monitored. */
async function removeAllAndCheck(f: FaultDaemon): Promise<void> {
  const d = f.current;
  const ids = await containerIds(d);
  const removed = await Promise.all(ids.map((id) => api(d, 'DELETE', `/containers/${id}?force=1`)));
  for (const r of removed) assert.equal(r.status, 204, r.body);
  assert.deepEqual(await containerIds(d), []);
  assert.deepEqual(entries(path.join(f.dataRoot, 'containers')), []);
  assert.deepEqual(entries(path.join(f.execRoot, 'containers')), []);
  assert.deepEqual(runcIds(f), []);
  assert.deepEqual(mountsUnder(f.dir), []);
  await until('the monitors to exit', () => liveProcessesUnder(f.dir).length === 0, 5000);
}

/**
 * killAfterEvents runs `work` and SIGKILLs wharfd at the `nth` inotify event in `dir` (a create's mkdir, a start's
 * bundle, a removal's rename), or `delayMs` after it, so the kill lands while operations are half done. Requests cut off by the kill fail;
 * that is expected. Returns how many events had been seen when the daemon died.
 */
async function killAfterEvents(t: TestContext, f: FaultDaemon, dir: string, nth: number, work: () => Promise<unknown>, delayMs = 0): Promise<number> {
  let seen = 0;
  let killedAt = 0;
  const victim = f.current.process;
  const watcher = fs.watch(dir, () => {
    seen++;
    if (seen >= nth && killedAt === 0) {
      killedAt = seen;
      if (delayMs === 0) victim.kill('SIGKILL');
      else setTimeout(() => victim.kill('SIGKILL'), delayMs);
    }
  });
  t.after(() => watcher.close());
  await work().catch(() => undefined);
  watcher.close();
  assert.ok(killedAt > 0, `the work made only ${seen} events in ${dir}, fewer than ${nth}`);
  await f.kill9();
  return killedAt;
}

const BUSY = { Image: 'busybox', Cmd: ['sleep', '600'] };

function createMany(d: Daemon, n: number, prefix: string): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    const r = await api(d, 'POST', `/containers/create?name=${prefix}${i}`, BUSY);
    assert.equal(r.status, 201, r.body);
    return (JSON.parse(r.body) as { Id: string }).Id;
  }));
}

/** createLanes creates `lanes` × `each` containers, each lane one after the other, so a kill finds some done, some half done. */
async function createLanes(d: Daemon, lanes: number, each: number, prefix: string): Promise<void> {
  await Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    for (let i = 0; i < each; i++) await api(d, 'POST', `/containers/create?name=${prefix}${lane}-${i}`, BUSY);
  }));
}

test('kill -9 of wharfd during creates: after the restart no half container, no leaked mount', { timeout: 180_000 }, async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  ok(await docker(f.current, ['run', '-d', '--name', 'survivor', 'busybox', 'sleep', '600']));
  const rounds = [2, 11, 23];
  for (const nth of rounds) {
    const d = f.current;
    // One event per create: the mkdir of its directory, before the record is written.
    const seen = await killAfterEvents(t, f, path.join(f.dataRoot, 'containers'), nth, () => createLanes(d, 5, 6, `c${nth}-`));
    await f.restart();
    const all = await assertWhole(f);
    const whole = (JSON.parse((await api(f.current, 'GET', '/containers/json?all=1')).body) as { Names: string[] }[])
      .filter((c) => c.Names[0]?.startsWith(`/c${nth}-`)).length;
    t.diagnostic(`killed at event ${seen}: ${whole} creates are whole containers after the restart (${all.length} in all)`);
    assert.equal(ok(await docker(f.current, ['inspect', '-f', '{{.State.Status}}', 'survivor'])), 'running');
  }
  // The names of creates that did not finish are free again; those of finished ones are taken.
  const names = new Set((JSON.parse((await api(f.current, 'GET', '/containers/json?all=1')).body) as { Names: string[] }[]).map((c) => c.Names[0]));
  assert.ok(names.size > 1, 'some creates finished before a kill');
  for (const nth of rounds) {
    for (let lane = 0; lane < 5; lane++) {
      for (let i = 0; i < 6; i++) {
        const r = await api(f.current, 'POST', `/containers/create?name=c${nth}-${lane}-${i}`, BUSY);
        assert.equal(r.status, names.has(`/c${nth}-${lane}-${i}`) ? 409 : 201, `c${nth}-${lane}-${i}: ${r.body}`);
      }
    }
  }
  await removeAllAndCheck(f);
});

test('kill -9 of wharfd during starts: after the restart each container is running or stopped, whole, and startable', { timeout: 180_000 }, async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  // A start makes the container's bundle directory in the exec root (its root is mounted there), then runc's state
  // directory under exec/runc (runc create), then the record says running: kills land in each phase.
  const rounds = [
    { dir: path.join(f.execRoot, 'containers'), nth: 1, delayMs: 0 },
    { dir: path.join(f.execRoot, 'runc'), nth: 3, delayMs: 0 },
    { dir: path.join(f.execRoot, 'runc'), nth: 12, delayMs: 150 },
    { dir: path.join(f.execRoot, 'runc'), nth: 15, delayMs: 400 },
  ];
  for (const [round, { dir, nth, delayMs }] of rounds.entries()) {
    const d = f.current;
    const ids = await createMany(d, 15, `s${round}-`);
    const starts = (): Promise<unknown> => Promise.all(ids.map((id) => api(d, 'POST', `/containers/${id}/start`)));
    const seen = await killAfterEvents(t, f, dir, nth, starts, delayMs);
    await f.restart();
    const all = await assertWhole(f);
    const mine = all.filter((c) => ids.includes(c.Id));
    const running = mine.filter((c) => c.State.Status === 'running').length;
    t.diagnostic(`killed ${delayMs} ms after event ${seen} in ${path.basename(dir)}: of 15 starts, ${running} running and ${15 - running} not after the restart`);
    // A container whose start was cut off starts cleanly now.
    const notRunning = mine.filter((c) => c.State.Status !== 'running').map((c) => c.Id);
    for (const r of await Promise.all(notRunning.map((id) => api(f.current, 'POST', `/containers/${id}/start`)))) assert.equal(r.status, 204, r.body);
    assert.ok((await assertWhole(f)).every((c) => c.State.Status === 'running'));
  }
  await removeAllAndCheck(f);
});

test('kill -9 of wharfd during removals: after the restart nothing half-removed remains, the rest can be removed', { timeout: 180_000 }, async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  // rm -f kills first (conmon writes an exit file), then marks the record, then renames the directory away.
  const rounds = [
    { dir: path.join(f.execRoot, 'exits'), nth: 1 },
    { dir: path.join(f.execRoot, 'exits'), nth: 8 },
    { dir: path.join(f.dataRoot, 'containers'), nth: 3 },
  ];
  for (const { dir, nth } of rounds) {
    const d = f.current;
    const ids = await createMany(d, 15, `r${nth}${path.basename(dir)}-`);
    for (const r of await Promise.all(ids.map((id) => api(d, 'POST', `/containers/${id}/start`)))) assert.equal(r.status, 204, r.body);
    const removals = (): Promise<unknown> => Promise.all(ids.map((id) => api(d, 'DELETE', `/containers/${id}?force=1`)));
    const seen = await killAfterEvents(t, f, dir, nth, removals);
    await f.restart();
    const all = await assertWhole(f);
    t.diagnostic(`killed at event ${seen} in ${path.basename(dir)}: ${ids.length - all.length} of ${ids.length} removed, ${all.map((c) => c.State.Status).join(' ')}`);
    await removeAllAndCheck(f);
  }
});

test('100 containers created and started at once through the API all run, then all are removed', { timeout: 240_000 }, async (t) => {
  if (!requiresRoot(t)) return;
  const f = await faultDaemon(t);
  const d = f.current;
  const n = 100;
  const began = Date.now();
  const ids = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const c = await api(d, 'POST', `/containers/create?name=many${i}`, BUSY);
    assert.equal(c.status, 201, c.body);
    const id = (JSON.parse(c.body) as { Id: string }).Id;
    const s = await api(d, 'POST', `/containers/${id}/start`);
    assert.equal(s.status, 204, s.body);
    return id;
  }));
  const started = Date.now() - began;
  const list = JSON.parse((await api(d, 'GET', '/containers/json')).body) as { Id: string; State: string }[];
  assert.equal(list.filter((c) => c.State === 'running').length, n);
  assert.deepEqual(new Set(list.map((c) => c.Id)), new Set(ids));
  const all = await assertWhole(f);
  assert.equal(all.length, n);
  assert.equal(mountsUnder(f.dir).length, n, 'one root mount per running container');
  const removing = Date.now();
  await removeAllAndCheck(f);
  const removed = Date.now() - removing;
  t.diagnostic(`${n} containers: create+start ${started} ms, remove ${removed} ms`);
  assert.ok(started + removed < 90_000, `took ${started + removed} ms`);
});
