import test from 'node:test';
import assert from 'node:assert/strict';
import { shortId } from '../../common/digest.js';
import { isConflict, isNotFound } from '../../common/errors.js';
import { parseReference } from '../../common/reference.js';
import { removeImage } from './remove.js';
import { makeImageDeps } from './testing/image-test-deps.js';

test('rmi by a tag of an image with other tags only untags it', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['busybox:latest', 'myorg/tools:1.0'] });
  assert.deepEqual(await removeImage(deps, 'myorg/tools:1.0'), [{ untagged: 'myorg/tools:1.0' }]);
  assert.ok(await deps.images.get(img.id));
  assert.deepEqual(deps.published.map((e) => [e.action, e.actor.id, e.actor.attributes['name']]), [['untag', img.id, img.id]]);
});

test('rmi by the last tag untags and deletes the image, then collects its blobs', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['busybox'] });
  assert.deepEqual(await removeImage(deps, 'busybox'), [{ untagged: 'busybox:latest' }, { deleted: img.id }]);
  assert.equal(await deps.images.get(img.id), undefined);
  assert.equal(deps.content.blobs.has(img.id), false, 'config blob collected');
  assert.equal(deps.snapshots.snaps.size, 0, 'snapshot collected');
  assert.deepEqual(deps.published.map((e) => e.action), ['untag', 'delete']);
});

test('rmi by ID of an image in several repositories must be forced', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['busybox:latest', 'myorg/tools:1.0'] });
  await assert.rejects(removeImage(deps, shortId(img.id)), (err: Error) => {
    assert.ok(isConflict(err));
    assert.equal(err.message, `conflict: unable to delete ${shortId(img.id)} (must be forced) - image is referenced in multiple repositories`);
    return true;
  });
  const items = await removeImage(deps, img.id, { force: true });
  assert.deepEqual(items.map((i) => i.untagged ?? i.deleted).sort(), ['busybox:latest', img.id, 'myorg/tools:1.0'].sort());
  assert.equal(await deps.images.get(img.id), undefined);
});

test('rmi by ID of an image with one tag untags and deletes it', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['busybox:1'] });
  const digestRef = { ...parseReference('busybox'), digest: img.id };
  await deps.images.setReference(digestRef, img.id);
  const items = await removeImage(deps, img.id.slice(7, 19));
  assert.deepEqual(items.at(-1), { deleted: img.id });
  assert.deepEqual(items.slice(0, -1).map((i) => i.untagged).sort(), ['busybox:1', `busybox@${img.id}`].sort());
});

test('an image a child image needs cannot be removed by ID, even forced; by tag it is only untagged', async (t) => {
  const deps = await makeImageDeps(t);
  const parent = await deps.seed({ tags: ['base:1'] });
  await deps.seed({ tags: ['app:1'], parent: parent.id });
  const want = `conflict: unable to delete ${shortId(parent.id)} (cannot be forced) - image has dependent child images`;
  await assert.rejects(removeImage(deps, parent.id, { force: true }), { message: want });
  await assert.rejects(removeImage(deps, shortId(parent.id)), { message: want });
  assert.deepEqual(await removeImage(deps, 'base:1'), [{ untagged: 'base:1' }]);
  assert.ok(await deps.images.get(parent.id));
});

test('a running container blocks rmi even forced; a stopped one unless forced', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({});
  deps.containerUsers.set(img.id, [{ id: 'c0ffee0123456789', running: true }]);
  await assert.rejects(removeImage(deps, img.id, { force: true }), {
    message: `conflict: unable to delete ${shortId(img.id)} (cannot be forced) - image is being used by running container c0ffee012345`,
  });
  deps.containerUsers.set(img.id, [{ id: 'deadbeef00112233', running: false }]);
  await assert.rejects(removeImage(deps, img.id), {
    message: `conflict: unable to delete ${shortId(img.id)} (must be forced) - image is being used by stopped container deadbeef0011`,
  });
  assert.deepEqual(await removeImage(deps, img.id, { force: true }), [{ deleted: img.id }]);
});

test('the last tag of an image a container uses must be forced away', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['busybox'] });
  deps.containerUsers.set(img.id, [{ id: 'deadbeef00112233', running: false }]);
  await assert.rejects(removeImage(deps, 'busybox'), {
    message: `conflict: unable to remove repository reference "busybox" (must force) - container deadbeef0011 is using its referenced image ${shortId(img.id)}`,
  });
  // Forced, the tag goes and so does the image: a stopped container is a soft conflict.
  assert.deepEqual(await removeImage(deps, 'busybox', { force: true }), [{ untagged: 'busybox:latest' }, { deleted: img.id }]);
});

test('without force, the last tag goes but an image a running container uses stays, quietly', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['busybox', 'other'] });
  deps.containerUsers.set(img.id, [{ id: 'c0ffee0123456789', running: true }]);
  assert.deepEqual(await removeImage(deps, 'other'), [{ untagged: 'other:latest' }]);
  assert.deepEqual(await removeImage(deps, 'busybox', { force: true }), [{ untagged: 'busybox:latest' }]);
  assert.ok(await deps.images.get(img.id));
});

test('removing a child also removes its untagged parent unless noprune', async (t) => {
  const deps = await makeImageDeps(t);
  const parent = await deps.seed({});
  const child = await deps.seed({ tags: ['app:1'], parent: parent.id });
  assert.deepEqual(await removeImage(deps, 'app:1', { noPrune: true }), [{ untagged: 'app:1' }, { deleted: child.id }]);
  assert.ok(await deps.images.get(parent.id));
  const child2 = await deps.seed({ tags: ['app:2'], parent: parent.id });
  assert.deepEqual(await removeImage(deps, 'app:2'), [{ untagged: 'app:2' }, { deleted: child2.id }, { deleted: parent.id }]);
});

test('a tagged parent survives the removal of its child', async (t) => {
  const deps = await makeImageDeps(t);
  const parent = await deps.seed({ tags: ['base:1'] });
  const child = await deps.seed({ tags: ['app:1'], parent: parent.id });
  assert.deepEqual(await removeImage(deps, 'app:1'), [{ untagged: 'app:1' }, { deleted: child.id }]);
  assert.ok(await deps.images.get(parent.id));
});

test('when the last tag of a repository goes, its digest references go too', async (t) => {
  const deps = await makeImageDeps(t);
  const img = await deps.seed({ tags: ['busybox:1', 'other:1'] });
  await deps.images.setReference({ ...parseReference('busybox'), digest: img.id }, img.id);
  assert.deepEqual(await removeImage(deps, 'busybox:1'), [{ untagged: 'busybox:1' }, { untagged: `busybox@${img.id}` }]);
  assert.deepEqual((await deps.images.references(img.id)).length, 1);
});

test('rmi of an unknown image is No such image', async (t) => {
  const deps = await makeImageDeps(t);
  await assert.rejects(removeImage(deps, 'nope:1'), (err: Error) => isNotFound(err) && err.message === 'No such image: nope:1');
});
