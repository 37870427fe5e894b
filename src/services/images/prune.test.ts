import test from 'node:test';
import assert from 'node:assert/strict';
import { FilterArgs } from '../filters/filter-args.js';
import { ImagePruner } from './prune.js';
import { makeImageDeps } from './testing/image-test-deps.js';

test('prune removes only dangling images by default and reports the space reclaimed', async (t) => {
  const deps = await makeImageDeps(t);
  const tagged = await deps.seed({ tags: ['busybox'] });
  const dangling = await deps.seed({ layers: [{ f: '12345' }] });
  const report = await new ImagePruner(deps).prune();
  assert.deepEqual(report.deleted, [{ deleted: dangling.id }]);
  assert.ok(report.spaceReclaimed > 0);
  assert.ok(await deps.images.get(tagged.id));
  const ev = deps.published.at(-1);
  assert.deepEqual(ev, { type: 'image', action: 'prune', actor: { id: '', attributes: { reclaimed: String(report.spaceReclaimed) } } });
});

test('dangling=false prunes every image no container uses, keeping used ones and parents with children', async (t) => {
  const deps = await makeImageDeps(t);
  const used = await deps.seed({ tags: ['used:1'] });
  deps.containerUsers.set(used.id, [{ id: 'c1', running: true }]);
  const free = await deps.seed({ tags: ['free:1', 'free:2'] });
  const parent = await deps.seed({});
  const child = await deps.seed({ tags: ['child:1'], parent: parent.id });
  const report = await new ImagePruner(deps).prune({ filters: FilterArgs.of({ dangling: ['false'] }) });
  const deleted = report.deleted.flatMap((d) => (d.deleted === undefined ? [] : [d.deleted]));
  assert.deepEqual(deleted.sort(), [free.id, child.id, parent.id].sort());
  assert.ok(await deps.images.get(used.id));
  assert.deepEqual(report.deleted.filter((d) => d.untagged !== undefined).map((d) => d.untagged).sort(), ['child:1', 'free:1', 'free:2']);
});

test('label, label! and until filters select what goes', async (t) => {
  const deps = await makeImageDeps(t);
  const old = await deps.seed({ config: { created: '2020-01-01T00:00:00Z', config: { Labels: { keep: 'no' } } } });
  const recent = await deps.seed({ config: { created: '2030-01-01T00:00:00Z', config: { Labels: { keep: 'yes' } } } });
  const pruner = new ImagePruner(deps);
  assert.deepEqual((await pruner.prune({ filters: FilterArgs.of({ 'label!': ['keep=no'] }), now: new Date('2031-01-01') })).deleted, [{ deleted: recent.id }]);
  const dep2 = await makeImageDeps(t);
  const a = await dep2.seed({ config: { created: '2020-01-01T00:00:00Z' } });
  await dep2.seed({ config: { created: '2030-01-01T00:00:00Z' } });
  assert.deepEqual((await new ImagePruner(dep2).prune({ filters: FilterArgs.of({ until: ['2025-01-01T00:00:00Z'] }) })).deleted, [{ deleted: a.id }]);
  assert.ok(await deps.images.get(old.id));
  assert.deepEqual((await pruner.prune({ filters: FilterArgs.of({ label: ['keep=no'] }) })).deleted, [{ deleted: old.id }]);
});

test('prune refuses unknown filters, bad dangling values, two until filters and a concurrent prune', async (t) => {
  const deps = await makeImageDeps(t);
  const pruner = new ImagePruner(deps);
  await assert.rejects(pruner.prune({ filters: FilterArgs.of({ reference: ['x'] }) }), { message: "invalid filter 'reference'" });
  await assert.rejects(pruner.prune({ filters: FilterArgs.of({ dangling: ['yes'] }) }), { message: "invalid filter 'dangling=[yes]'" });
  await assert.rejects(pruner.prune({ filters: FilterArgs.of({ until: ['1h', '2h'] }) }), { message: 'more than one until filter specified' });
  const first = pruner.prune();
  await assert.rejects(pruner.prune(), { message: 'a prune operation is already running' });
  await first;
});
