import test from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidArgument } from '../../common/errors.js';
import { parseReference } from '../../common/reference.js';
import { FilterArgs } from '../filters/filter-args.js';
import { listImages } from './list.js';
import { makeImageDeps, type TestImageDeps } from './testing/image-test-deps.js';

async function fixture(t: Parameters<typeof makeImageDeps>[0]): Promise<TestImageDeps> {
  const deps = await makeImageDeps(t);
  await deps.seed({ tags: ['busybox:latest'], config: { created: '2024-01-01T00:00:00Z', config: { Labels: { tier: 'base' } } } });
  await deps.seed({ tags: ['myorg/tools:1.0', 'myorg/tools:2.0'], config: { created: '2024-02-01T00:00:00Z', config: { Labels: { tier: 'app', team: 'x' } } } });
  await deps.seed({ config: { created: '2024-03-01T00:00:00Z' } });
  return deps;
}

const tagsOf = async (deps: TestImageDeps, filters: Record<string, string[]>, all = false): Promise<string[][]> =>
  (await listImages(deps, { filters: FilterArgs.of(filters), all })).map((s) => [...s.repoTags]);

test('listImages lists every image newest first with its size and labels', async (t) => {
  const deps = await fixture(t);
  const list = await listImages(deps);
  assert.deepEqual(list.map((s) => s.repoTags), [[], ['myorg/tools:1.0', 'myorg/tools:2.0'], ['busybox:latest']]);
  assert.ok(list.every((s) => s.size > 0 && s.sharedSize === undefined && s.containers === undefined));
  assert.deepEqual(list[2]?.labels, { tier: 'base' });
  assert.equal(list[2]?.created?.toISOString(), '2024-01-01T00:00:00.000Z');
});

test('the reference filter is a Go glob on familiar and full names, and keeps only matching tags', async (t) => {
  const deps = await fixture(t);
  assert.deepEqual(await tagsOf(deps, { reference: ['busy*'] }), [['busybox:latest']]);
  assert.deepEqual(await tagsOf(deps, { reference: ['*/tools:1*'] }), [['myorg/tools:1.0']]);
  assert.deepEqual(await tagsOf(deps, { reference: ['docker.io/library/busybox'] }), [['busybox:latest']]);
  assert.deepEqual(await tagsOf(deps, { reference: ['nothing*'] }), []);
  await assert.rejects(listImages(deps, { filters: FilterArgs.of({ reference: ['[a'] }) }), isInvalidArgument);
});

test('dangling, label, before, since and until filters', async (t) => {
  const deps = await fixture(t);
  assert.deepEqual(await tagsOf(deps, { dangling: ['true'] }), [[]]);
  assert.deepEqual(await tagsOf(deps, { dangling: ['false'] }), [['myorg/tools:1.0', 'myorg/tools:2.0'], ['busybox:latest']]);
  assert.deepEqual(await tagsOf(deps, { label: ['tier'] }), [['myorg/tools:1.0', 'myorg/tools:2.0'], ['busybox:latest']]);
  assert.deepEqual(await tagsOf(deps, { label: ['tier=app', 'team'] }), [['myorg/tools:1.0', 'myorg/tools:2.0']]);
  assert.deepEqual(await tagsOf(deps, { before: ['myorg/tools:1.0'] }), [['busybox:latest']]);
  assert.deepEqual(await tagsOf(deps, { since: ['busybox'] }), [[], ['myorg/tools:1.0', 'myorg/tools:2.0']]);
  assert.deepEqual(await tagsOf(deps, { until: ['2024-01-15T00:00:00Z'] }), [['busybox:latest']]);
  await assert.rejects(listImages(deps, { filters: FilterArgs.of({ before: ['nope'] }) }), { message: 'No such image: nope:latest' });
});

test('bad filters are refused in dockerd words', async (t) => {
  const deps = await fixture(t);
  await assert.rejects(listImages(deps, { filters: FilterArgs.of({ colour: ['red'] }) }), { message: "invalid filter 'colour'" });
  await assert.rejects(listImages(deps, { filters: FilterArgs.of({ dangling: ['maybe'] }) }), { message: "invalid filter 'dangling=[maybe]'" });
  await assert.rejects(listImages(deps, { filters: FilterArgs.of({ until: ['soon'] }) }), isInvalidArgument);
});

test('untagged parents are hidden unless all=1; shared sizes count layers used twice', async (t) => {
  const deps = await makeImageDeps(t);
  const base = await deps.seed({ layers: [{ a: 'aaaa' }] });
  await deps.seed({ tags: ['app:1'], layers: [{ a: 'aaaa' }, { b: 'bb' }], parent: base.id });
  assert.equal((await listImages(deps)).length, 1);
  const all = await listImages(deps, { all: true, sharedSize: true });
  assert.equal(all.length, 2);
  assert.deepEqual(all.map((s) => s.sharedSize), [4, 4]);
  assert.equal(all.find((s) => s.id !== base.id)?.size, 6);
  await deps.images.setReference({ ...parseReference('app'), digest: base.id }, base.id);
  assert.deepEqual((await listImages(deps)).map((s) => s.repoDigests).flat(), [`app@${base.id}`]);
});

test('with containers counting, each image reports how many containers use it', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['busybox'] });
  deps.containerUsers.set(img.id, [{ id: 'a', running: true }, { id: 'b', running: false }]);
  assert.equal((await listImages(deps, { containers: true }))[0]?.containers, 2);
});
