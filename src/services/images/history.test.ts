import test from 'node:test';
import assert from 'node:assert/strict';
import { imageHistory } from './history.js';
import { inspectImage } from './inspect.js';
import { makeImageDeps } from './testing/image-test-deps.js';

test('imageHistory lists history newest first, sizing non-empty entries by their layer', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({
    tags: ['app:1', 'app:latest'],
    layers: [{ a: 'aaa' }, { b: 'bbbbb' }],
    config: {
      history: [
        { created: '2024-01-01T00:00:00Z', created_by: 'ADD rootfs /' },
        { created: '2024-01-02T00:00:00Z', created_by: 'ENV A=1', empty_layer: true },
        { created: '2024-01-03T00:00:00Z', created_by: 'RUN make', comment: 'c' },
      ],
    },
  });
  const rows = await imageHistory(deps, 'app:1');
  assert.deepEqual(rows.map((r) => [r.id, r.createdBy, r.size, r.tags, r.comment]), [
    [img.id, 'RUN make', 5, ['app:1', 'app:latest'], 'c'],
    ['<missing>', 'ENV A=1', 0, undefined, ''],
    ['<missing>', 'ADD rootfs /', 3, undefined, ''],
  ]);
  assert.equal(rows[0]?.created?.toISOString(), '2024-01-03T00:00:00.000Z');
});

test('imageHistory attributes rows to local parents and fails on more entries than layers', async (t) => {
  const deps = await makeImageDeps(t);
  const parent = await deps.seed({ tags: ['base:1'] });
  const child = await deps.seed({ parent: parent.id, config: { history: [{ created_by: 'a' }, { created_by: 'b', empty_layer: true }] } });
  assert.deepEqual((await imageHistory(deps, child.id)).map((r) => [r.id, r.tags]), [[child.id, undefined], [parent.id, ['base:1']]]);
  const bad = await deps.seed({ config: { history: [{ created_by: 'a' }, { created_by: 'b' }] } });
  await assert.rejects(imageHistory(deps, bad.id), { message: 'too many non-empty layers in History section' });
});

test('inspectImage reports references, config, sizes and layer directories', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['app:1'], layers: [{ a: 'aaa' }, { b: 'bb' }], config: { author: 'me', config: { Cmd: ['sh'], Labels: { x: 'y' } } } });
  const d = await inspectImage(deps, 'app:1');
  assert.equal(d.id, img.id);
  assert.deepEqual(d.repoTags, ['app:1']);
  assert.equal(d.author, 'me');
  assert.deepEqual(d.config, { Cmd: ['sh'], Labels: { x: 'y' } });
  assert.equal(d.size, 5);
  assert.equal(d.os, 'linux');
  assert.deepEqual(d.diffIds, img.layers.map((l) => l.diffId));
  assert.equal(d.layerDirs.length, 2);
  assert.match(d.comment, /^seed /);
});
