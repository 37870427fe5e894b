import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DataRootLayout } from '../../core/layout.js';
import { ContainerStore } from './container-store.js';
import { testId, testRecord } from './testing/records.js';

async function tempLayout(t: { after: (fn: () => Promise<void>) => void }): Promise<DataRootLayout> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-cstore-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  return new DataRootLayout(dir);
}

async function addRecord(store: ContainerStore, layout: DataRootLayout, n: number, name: string): Promise<string> {
  const id = testId(n);
  await fs.mkdir(layout.container(id), { recursive: true });
  store.reserveName(name, id);
  await store.add(testRecord(layout, id, name));
  return id;
}

test('records persist and are found by ID, name with or without slash, and unique prefix', async (t) => {
  const layout = await tempLayout(t);
  const store = await ContainerStore.open(layout);
  const a = await addRecord(store, layout, 0xa1, 'web');
  const b = await addRecord(store, layout, 0xa2, 'db');
  const reopened = await ContainerStore.open(layout);
  for (const s of [store, reopened]) {
    assert.equal(s.get(a).name, 'web');
    assert.equal(s.get('web').id, a);
    assert.equal(s.get('/db').id, b);
    assert.equal(s.get(a.slice(0, 12)).id, a);
    assert.equal(s.list().length, 2);
  }
});

test('lookup errors use Docker\'s words', async (t) => {
  const layout = await tempLayout(t);
  const store = await ContainerStore.open(layout);
  await addRecord(store, layout, 0xa1, 'web');
  await addRecord(store, layout, 0xa2, 'db');
  assert.throws(() => store.get('nope'), { kind: 'NotFound', message: 'No such container: nope' });
  assert.throws(() => store.get(''), { kind: 'NotFound', message: 'No such container: ' });
  // Both IDs start with "00a".
  assert.throws(() => store.get('00a'), { kind: 'InvalidArgument', message: 'multiple IDs found with provided prefix: 00a' });
  assert.throws(() => store.get('/00a1'), { kind: 'NotFound' });
});

test('names are unique, with Docker\'s conflict message', async (t) => {
  const layout = await tempLayout(t);
  const store = await ContainerStore.open(layout);
  const a = await addRecord(store, layout, 1, 'web');
  assert.throws(() => store.reserveName('web', testId(2)), {
    kind: 'Conflict',
    message: `Conflict. The container name "/web" is already in use by container "${a}". You have to remove (or rename) that container to be able to reuse that name.`,
  });
  store.forget(a);
  store.reserveName('web', testId(2));
});

test('update writes atomically, follows renames, and serialises concurrent updates', async (t) => {
  const layout = await tempLayout(t);
  const store = await ContainerStore.open(layout);
  const id = await addRecord(store, layout, 1, 'web');
  store.reserveName('web2', id);
  await store.update(id, (r) => ({ ...r, name: 'web2' }));
  assert.equal(store.find('web'), undefined);
  assert.equal(store.get('web2').id, id);
  await Promise.all(Array.from({ length: 20 }, () => store.update(id, (r) => ({ ...r, state: { ...r.state, restartCount: r.state.restartCount + 1 } }))));
  assert.equal(store.get(id).state.restartCount, 20);
  const onDisk = JSON.parse(await fs.readFile(layout.containerRecord(id), 'utf8')) as { name: string; state: { restartCount: number } };
  assert.equal(onDisk.name, 'web2');
  assert.equal(onDisk.state.restartCount, 20);
  await assert.rejects(store.update(testId(9), (r) => r), { kind: 'NotFound' });
});

test('open cleans crash leftovers and skips damaged records', async (t) => {
  const layout = await tempLayout(t);
  const store = await ContainerStore.open(layout);
  const good = await addRecord(store, layout, 1, 'web');
  const half = testId(2);
  await fs.mkdir(path.join(layout.container(half), 'upper'), { recursive: true });
  const removing = layout.containerRemoving(testId(3));
  await fs.mkdir(path.join(removing, 'upper'), { recursive: true });
  const damaged = testId(4);
  await fs.mkdir(layout.container(damaged));
  await fs.writeFile(layout.containerRecord(damaged), '{"version":1');
  const warnings: string[] = [];
  const reopened = await ContainerStore.open(layout, { onWarning: (m) => warnings.push(m) });
  assert.deepEqual(reopened.list().map((r) => r.id), [good]);
  await assert.rejects(fs.stat(layout.container(half)), { code: 'ENOENT' });
  await assert.rejects(fs.stat(removing), { code: 'ENOENT' });
  await fs.stat(layout.container(damaged));
  assert.match(warnings.join('\n'), /damaged/);
});

test('generated names are Docker-style and unique; the short ID is the last resort', async (t) => {
  const layout = await tempLayout(t);
  let calls = 0;
  const store = await ContainerStore.open(layout, { rand: (n) => (calls++, n > 10 ? 3 : 0) });
  const first = store.generateName(testId(1));
  assert.match(first, /^[a-z]+_[a-z]+$/);
  const second = store.generateName(testId(2));
  assert.equal(second, `${first}0`);
  for (let i = 3; i < 12; i++) store.generateName(testId(i));
  assert.equal(store.find(testId(11).slice(0, 12))?.id, undefined, 'names index only, no record yet');
  assert.ok(calls > 0);
});

test('withLock serialises operations on one container but not across containers', async (t) => {
  const layout = await tempLayout(t);
  const store = await ContainerStore.open(layout);
  const order: string[] = [];
  const slow = (tag: string, ms: number) => async (): Promise<void> => {
    order.push(`${tag}+`);
    await new Promise((r) => setTimeout(r, ms));
    order.push(`${tag}-`);
  };
  await Promise.all([store.withLock('a', slow('a1', 20)), store.withLock('a', slow('a2', 1)), store.withLock('b', slow('b', 1))]);
  assert.deepEqual(order.filter((o) => o.startsWith('a')), ['a1+', 'a1-', 'a2+', 'a2-']);
  assert.ok(order.indexOf('b-') < order.indexOf('a1-'));
});
