import test from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, parseReference } from '../../common/reference.js';
import { isInvalidArgument, isNotFound } from '../../common/errors.js';
import { tagImage, tagReference } from './tag.js';
import { makeImageDeps } from './testing/image-test-deps.js';

test('tagReference follows dockerd: repo may carry a tag, tag overrides, default latest', () => {
  assert.equal(formatReference(tagReference('myorg/tools', '')), 'docker.io/myorg/tools:latest');
  assert.equal(formatReference(tagReference('myorg/tools:1.0', '')), 'docker.io/myorg/tools:1.0');
  assert.equal(formatReference(tagReference('myorg/tools:1.0', '2.0')), 'docker.io/myorg/tools:2.0');
  for (const [repo, tag] of [['', ''], ['UPPER', ''], ['sha256', 'x'], [`x@sha256:${'a'.repeat(64)}`, ''], ['ok', 'bad tag']]) {
    assert.throws(() => tagReference(repo as string, tag as string), isInvalidArgument, `${repo} ${tag}`);
  }
});

test('tagImage points the tag at the image, replacing what it named, and publishes a tag event', async (t) => {
  const deps = await makeImageDeps(t);
  const a = await deps.seed({ tags: ['busybox'], config: { config: { Labels: { l: 'v' } } } });
  const b = await deps.seed({ tags: ['myorg/tools:1.0'] });
  await tagImage(deps, 'busybox', 'myorg/tools', '1.0');
  assert.equal(await deps.images.resolveReference(parseReference('myorg/tools:1.0')), a.id);
  assert.deepEqual((await deps.images.references(b.id)).length, 0);
  assert.deepEqual(deps.published, [{ type: 'image', action: 'tag', actor: { id: a.id, attributes: { l: 'v', name: 'myorg/tools:1.0' } } }]);
  await assert.rejects(tagImage(deps, 'nope', 'x', '1'), isNotFound);
});
