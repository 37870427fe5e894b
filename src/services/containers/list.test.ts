import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import path from 'node:path';
import { FilterArgs } from '../filters/filter-args.js';
import { eventually, testEngine, type TestEngine } from './testing/test-engine.js';

const API = '1.50';

async function fleet(e: TestEngine): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const [name, labels] of [['web', { tier: 'front' }], ['db', { tier: 'back' }], ['job', {}], ['idle', {}]] as const) {
    ids[name] = (await e.engine.create({ Image: 'busybox', Labels: labels }, { name, apiVersion: API })).id;
    await new Promise((r) => setTimeout(r, 2));
  }
  await e.engine.start('web');
  await e.engine.start('db');
  await e.engine.start('job');
  e.runtime.exit(ids['job'] as string, 3);
  await eventually('the exit', () => e.store.get('job').state.status === 'exited');
  await e.engine.pause('db');
  return ids;
}

const names = async (e: TestEngine, opts: Parameters<TestEngine['engine']['list']>[0]): Promise<string[]> =>
  (await e.engine.list(opts)).map((i) => i.record.name);

test('list shows running containers newest first; all, limit and filters select', async (t) => {
  const e = await testEngine(t);
  const ids = await fleet(e);
  assert.deepEqual(await names(e, {}), ['db', 'web']);
  assert.deepEqual(await names(e, { all: true }), ['idle', 'job', 'db', 'web']);
  assert.deepEqual(await names(e, { limit: 2 }), ['idle', 'job']);
  const f = (o: Record<string, string[]>) => FilterArgs.of(o);
  assert.deepEqual(await names(e, { filters: f({ status: ['exited'] }) }), ['job']);
  assert.deepEqual(await names(e, { filters: f({ status: ['created', 'paused'] }) }), ['idle', 'db']);
  assert.deepEqual(await names(e, { all: true, filters: f({ name: ['^/w'] }) }), ['web']);
  assert.deepEqual(await names(e, { all: true, filters: f({ name: ['o'] }) }), ['job']);
  assert.deepEqual(await names(e, { all: true, filters: f({ label: ['tier'] }) }), ['db', 'web']);
  assert.deepEqual(await names(e, { all: true, filters: f({ label: ['tier=back'] }) }), ['db']);
  assert.deepEqual(await names(e, { all: true, filters: f({ id: [(ids['web'] as string).slice(0, 8)] }) }), ['web']);
  assert.deepEqual(await names(e, { all: true, filters: f({ exited: ['3'] }) }), ['job']);
  assert.deepEqual(await names(e, { all: true, filters: f({ exited: ['0'] }) }), []);
  assert.deepEqual(await names(e, { all: true, filters: f({ before: ['job'] }) }), ['db', 'web']);
  assert.deepEqual(await names(e, { all: true, filters: f({ since: ['db'] }) }), ['idle', 'job']);
  assert.deepEqual(await names(e, { all: true, filters: f({ ancestor: ['busybox'] }) }), ['idle', 'job', 'db', 'web']);
  assert.deepEqual(await names(e, { all: true, filters: f({ ancestor: [e.image.id.slice(7, 19)] }) }), ['idle', 'job', 'db', 'web']);
  assert.deepEqual(await names(e, { all: true, filters: f({ ancestor: ['other'] }) }), []);
  assert.deepEqual(await names(e, { all: true, filters: f({ health: ['none'] }) }), ['idle', 'job', 'db', 'web']);
  assert.deepEqual(await names(e, { all: true, filters: f({ network: ['bridge'] }) }), ['idle', 'job', 'db', 'web']);
});

test('list refuses bad filters with Docker\'s words', async (t) => {
  const e = await testEngine(t);
  await fleet(e);
  const f = (o: Record<string, string[]>) => FilterArgs.of(o);
  await assert.rejects(e.engine.list({ filters: f({ colour: ['red'] }) }), { kind: 'InvalidArgument', message: "invalid filter 'colour'" });
  await assert.rejects(e.engine.list({ filters: f({ status: ['sleeping'] }) }), { message: "invalid filter 'status=sleeping'" });
  await assert.rejects(e.engine.list({ filters: f({ health: ['meh'] }) }), { message: 'Unrecognised filter value for health: meh' });
  await assert.rejects(e.engine.list({ filters: f({ exited: ['x'] }) }), { message: "invalid filter 'exited=x'" });
  await assert.rejects(e.engine.list({ filters: f({ before: ['nope'] }) }), { kind: 'NotFound', message: 'No such container: nope' });
});

test('list with size measures the container layer once per hard-linked inode', async (t) => {
  const e = await testEngine(t);
  const { id } = await e.engine.create({ Image: 'busybox' }, { apiVersion: API });
  const upper = e.store.get(id).paths.upper;
  await fs.mkdir(path.join(upper, 'd'));
  await fs.writeFile(path.join(upper, 'd', 'a'), Buffer.alloc(1000));
  await fs.link(path.join(upper, 'd', 'a'), path.join(upper, 'b'));
  await fs.symlink('/nowhere/very/long/target', path.join(upper, 'l'));
  const [item] = await e.engine.list({ all: true, size: true });
  assert.equal(item?.sizes?.sizeRw, 1000 + '/nowhere/very/long/target'.length);
  assert.ok((item?.sizes?.sizeRootFs ?? 0) > (item?.sizes?.sizeRw ?? 0));
});

test('prune removes stopped containers matching the filters and reports their size', async (t) => {
  const e = await testEngine(t);
  await fleet(e);
  await assert.rejects(e.engine.prune(FilterArgs.of({ dangling: ['true'] })), { message: "invalid filter 'dangling'" });
  const kept = await e.engine.prune(FilterArgs.of({ label: ['tier'] }));
  assert.deepEqual(kept.containersDeleted, []);
  const report = await e.engine.prune(FilterArgs.of({ until: ['10m'] }));
  assert.deepEqual(report.containersDeleted, []);
  const all = await e.engine.prune();
  assert.equal(all.containersDeleted.length, 2);
  assert.deepEqual(await names(e, { all: true }), ['db', 'web']);
});
