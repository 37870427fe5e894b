import assert from 'node:assert/strict';
import test from 'node:test';
import { isNotFound } from '../../common/errors.js';
import { parseReference } from '../../common/reference.js';
import { chainIds } from '../../core/image/chain-id.js';
import { collect, readTar, sha256 } from '../../core/image/testing/fixtures.js';
import { seedImage } from '../../core/image/testing/seed.js';
import { testImageDeps } from '../../core/image/testing/test-deps.js';
import { saveImages } from './save.js';

test('saveImages writes the layout docker save (Docker 25+) writes', async (t) => {
  const d = await testImageDeps(t);
  const base = { 'bin/sh': 'shell' };
  const a = await seedImage(d, [base, { 'a.txt': 'a' }]);
  const b = await seedImage(d, [base, { 'b.txt': 'b' }]);
  await d.images.setReference(parseReference('busybox:latest'), a.id);
  await d.images.setReference(parseReference('busybox:1'), b.id);
  await d.images.setReference(parseReference('example.com/app:v1'), b.id);
  await d.images.setReference(parseReference('example.com/app:v2'), b.id);
  const entries = await readTar(await collect(await saveImages(d, ['busybox', 'example.com/app:v1'])));
  const names = entries.map((e) => e.name);
  const blobNames = names.filter((n) => /^blobs\/sha256\/[a-f0-9]{64}$/.test(n));
  assert.deepEqual(names, ['blobs/', 'blobs/sha256/', ...[...blobNames].sort(), 'index.json', 'manifest.json', 'oci-layout', 'repositories']);
  assert.equal(blobNames.length, 7); // 2 configs, 3 distinct layers, 2 manifests
  for (const e of entries.filter((x) => blobNames.includes(x.name))) assert.equal(sha256(e.body), `sha256:${e.name.slice(13)}`);
  assert.ok(entries.every((e) => e.mtime === 0));
  const file = (n: string): string => entries.find((e) => e.name === n)?.body.toString() ?? '';
  assert.equal(file('oci-layout'), '{"imageLayoutVersion": "1.0.0"}');
  const manifest = JSON.parse(file('manifest.json')) as Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }>;
  assert.deepEqual(manifest.map((m) => m.Config), [`blobs/sha256/${a.id.slice(7)}`, `blobs/sha256/${b.id.slice(7)}`]);
  assert.deepEqual(manifest[0]?.RepoTags, ['busybox:latest']);
  assert.deepEqual(manifest[1]?.RepoTags, ['busybox:1', 'example.com/app:v1']);
  assert.deepEqual(manifest[1]?.Layers, b.layers.map((l) => `blobs/sha256/${l.blob.slice(7)}`));
  const index = JSON.parse(file('index.json')) as { mediaType: string; manifests: Array<{ digest: string; annotations: Record<string, string> }> };
  assert.equal(index.mediaType, 'application/vnd.oci.image.index.v1+json');
  assert.deepEqual(index.manifests.map((m) => m.annotations), [
    { 'io.containerd.image.name': 'docker.io/library/busybox:latest', 'org.opencontainers.image.ref.name': 'latest' },
    { 'io.containerd.image.name': 'docker.io/library/busybox:1', 'org.opencontainers.image.ref.name': '1' },
    { 'io.containerd.image.name': 'example.com/app:v1', 'org.opencontainers.image.ref.name': 'v1' },
  ]);
  const ociManifest = JSON.parse(file(`blobs/sha256/${index.manifests[0]?.digest.slice(7)}`)) as { config: { digest: string }; layers: Array<{ mediaType: string }> };
  assert.equal(ociManifest.config.digest, a.id);
  assert.equal(ociManifest.layers[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar');
  const topB = b.layers[1]?.diffId.slice(7);
  assert.deepEqual(JSON.parse(file('repositories')), {
    busybox: { latest: a.layers[1]?.diffId.slice(7), '1': topB },
    'example.com/app': { v1: topB },
  });
  assert.deepEqual(d.events.actions(), [`save ${a.id}`, `save ${b.id}`]);
});

test('saveImages of an ID or ID prefix saves the image untagged', async (t) => {
  const d = await testImageDeps(t);
  const a = await seedImage(d, [{ x: '1' }]);
  await d.images.setReference(parseReference('busybox:latest'), a.id);
  for (const name of [a.id, a.id.slice(7, 15)]) {
    const entries = await readTar(await collect(await saveImages(d, [name])));
    const manifest = JSON.parse(entries.find((e) => e.name === 'manifest.json')?.body.toString() ?? '') as Array<{ RepoTags: unknown }>;
    assert.equal(manifest[0]?.RepoTags, null);
    assert.equal(entries.some((e) => e.name === 'repositories'), false);
    const index = JSON.parse(entries.find((e) => e.name === 'index.json')?.body.toString() ?? '') as { manifests: Array<{ annotations?: unknown }> };
    assert.equal(index.manifests.length, 1);
    assert.equal(index.manifests[0]?.annotations, undefined);
  }
});

test('saveImages fails before writing anything when a name does not resolve', async (t) => {
  const d = await testImageDeps(t);
  const a = await seedImage(d, [{ x: '1' }]);
  await d.images.setReference(parseReference('busybox:latest'), a.id);
  await assert.rejects(saveImages(d, ['busybox', 'nosuch:1']), (e: unknown) => isNotFound(e) && /No such image: nosuch:1/.test((e as Error).message));
  assert.deepEqual(d.events.events, []);
  // No lease was left behind: once the image is gone, everything can be collected.
  await d.images.delete(a.id);
  await d.images.garbageCollect();
  assert.equal(d.content.blobs.size, 0);
});

test('saveImages output is deterministic and keeps image blobs alive while streaming', async (t) => {
  const d = await testImageDeps(t);
  const a = await seedImage(d, [{ x: '1' }, { y: '2' }]);
  await d.images.setReference(parseReference('app:1'), a.id);
  const first = await collect(await saveImages(d, ['app:1']));
  const out = await saveImages(d, ['app:1']);
  await d.images.delete(a.id);
  assert.equal((await d.images.garbageCollect()).blobs, 0, 'leased by the save in progress');
  assert.deepEqual(await collect(out), first);
  await new Promise((r) => setImmediate(r));
  assert.ok((await d.images.garbageCollect()).blobs >= 3);
  assert.equal(chainIds(a.layers.map((l) => l.diffId)).length, 2);
});

test('saveImages reuses the manifest an image arrived with', async (t) => {
  const d = await testImageDeps(t);
  const a = await seedImage(d, [{ x: '1' }]);
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: a.id, size: (await d.content.info(a.id))?.size },
    layers: a.layers.map((l) => ({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: l.blob, size: l.size })),
  }));
  const m = await d.content.put(manifest);
  await d.images.put({ ...a, manifestDigest: m.digest });
  const entries = await readTar(await collect(await saveImages(d, [a.id])));
  const index = JSON.parse(entries.find((e) => e.name === 'index.json')?.body.toString() ?? '') as { manifests: Array<{ digest: string; mediaType: string }> };
  assert.equal(index.manifests[0]?.digest, m.digest);
  assert.equal(index.manifests[0]?.mediaType, 'application/vnd.docker.distribution.manifest.v2+json');
  assert.ok(entries.some((e) => e.name === `blobs/sha256/${m.digest.slice(7)}`));
});
