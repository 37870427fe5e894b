import assert from 'node:assert/strict';
import test from 'node:test';
import { WharfError } from '../../common/errors.js';
import { parseReference } from '../../common/reference.js';
import { hostPlatform } from '../../core/image/platform.js';
import { gzip, makeLayer, sha256, streamOf } from '../../core/image/testing/fixtures.js';
import { testImageDeps } from '../../core/image/testing/test-deps.js';
import { importImage, repoTagReference } from './import.js';

test('importImage makes a one-layer image with Docker’s config shape', async (t) => {
  const d = await testImageDeps(t);
  const rootfs = await makeLayer({ 'bin/sh': 'shell', 'etc/hostname': 'box' });
  const before = Date.now();
  const { id } = await importImage(d, streamOf(gzip(rootfs)), { repo: 'example.com/base', tag: '1.0', changes: ['ENV PATH=/bin', 'CMD ["/bin/sh"]', 'EXPOSE 80'], message: 'from a tarball' });
  const record = await d.images.get(id);
  assert.equal(record?.layers.length, 1);
  assert.equal(record?.layers[0]?.diffId, sha256(rootfs));
  assert.equal(record?.layers[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const config = JSON.parse((await d.content.readBytes(id)).toString()) as Record<string, unknown>;
  assert.equal(sha256(await d.content.readBytes(id)), id);
  assert.deepEqual(Object.keys(config), ['comment', 'created', 'config', 'architecture', ...(hostPlatform().variant ? ['variant'] : []), 'os', 'rootfs', 'history']);
  assert.equal(config['architecture'], hostPlatform().architecture);
  assert.equal(config['os'], 'linux');
  assert.equal(config['comment'], 'from a tarball');
  assert.ok(Date.parse(config['created'] as string) >= before - 1000);
  assert.deepEqual(config['config'], { Env: ['PATH=/bin'], Cmd: ['/bin/sh'], ExposedPorts: { '80/tcp': {} } });
  assert.deepEqual(config['rootfs'], { type: 'layers', diff_ids: [sha256(rootfs)] });
  assert.deepEqual(config['history'], [{ created: config['created'], comment: 'from a tarball' }]);
  assert.equal(await d.images.resolveReference(parseReference('example.com/base:1.0')), id);
  assert.deepEqual(d.events.actions(), ['tag example.com/base:1.0', `import ${id}`]);
  assert.equal(d.snapshots.snaps.get(sha256(rootfs))?.files.get('etc/hostname')?.toString(), 'box');
  assert.deepEqual(await d.images.check(), []);
});

test('importImage defaults: host platform, "Imported from -", no tag, untagged event only', async (t) => {
  const d = await testImageDeps(t);
  const { id } = await importImage(d, streamOf(await makeLayer({ a: '1' })));
  const config = JSON.parse((await d.content.readBytes(id)).toString()) as { comment: string; history: Array<{ comment: string }>; config: unknown };
  assert.equal(config.comment, 'Imported from -');
  assert.equal(config.history[0]?.comment, 'Imported from -');
  assert.deepEqual(config.config, {});
  assert.deepEqual(await d.images.references(), []);
  assert.deepEqual(d.events.actions(), [`import ${id}`]);
});

test('importImage honours --platform and the repo-with-tag form', async (t) => {
  const d = await testImageDeps(t);
  const { id } = await importImage(d, streamOf(await makeLayer({ a: '1' })), { repo: 'tools:edge', platform: 'linux/arm64/v8', fromSrc: 'http://example.com/rootfs.tar' });
  const config = JSON.parse((await d.content.readBytes(id)).toString()) as Record<string, unknown>;
  assert.equal(config['architecture'], 'arm64');
  assert.equal('variant' in config, false);
  assert.equal(config['comment'], 'Imported from http://example.com/rootfs.tar');
  assert.equal(await d.images.resolveReference(parseReference('tools:edge')), id);
});

test('importImage checks everything it can before reading the tar', async (t) => {
  const d = await testImageDeps(t);
  let read = false;
  const source = streamOf(await makeLayer({ a: '1' }));
  source.once('data', () => (read = true));
  const cases: Array<[Parameters<typeof importImage>[2], string, RegExp]> = [
    [{ changes: ['RUN rm -rf /'] }, 'WHARF_INVALID_CHANGE', /run is not a valid change command/],
    [{ platform: 'windows/amd64' }, 'WHARF_UNSUPPORTED_PLATFORM', /"windows" cannot be used/],
    [{ platform: 'plan10/x' }, 'WHARF_INVALID_PLATFORM', /unknown operating system or architecture/],
    [{ repo: 'Bad Repo' }, 'WHARF_INVALID_REFERENCE', /invalid reference format/],
    [{ repo: `app@sha256:${'a'.repeat(64)}` }, 'WHARF_INVALID_REFERENCE', /cannot import digest reference/],
    [{ repo: 'app', tag: 'bad tag' }, 'WHARF_INVALID_REFERENCE', /invalid tag format/],
  ];
  for (const [opts, code, message] of cases) {
    await assert.rejects(importImage(d, source, opts), (e: unknown) => e instanceof WharfError && e.kind === 'InvalidArgument' && e.code === code && message.test(e.message), code);
  }
  assert.equal(read, false);
  assert.equal(d.content.blobs.size, 0);
});

test('importImage of a corrupt tar leaves no image, and the layer is collectable', async (t) => {
  const d = await testImageDeps(t);
  const gz = gzip(await makeLayer({ a: 'x'.repeat(10_000) }));
  await assert.rejects(importImage(d, streamOf(gz.subarray(0, gz.length - 40)), { repo: 'broken' }), (e: unknown) => e instanceof WharfError && e.code === 'WHARF_INVALID_COMPRESSED_DATA');
  assert.deepEqual(await d.images.list(), []);
  await d.images.garbageCollect();
  assert.equal(d.content.blobs.size, 0);
});

test('repoTagReference follows moby RepoTagReference', () => {
  assert.equal(repoTagReference('', 'x'), undefined);
  assert.deepEqual(repoTagReference('busybox', ''), parseReference('busybox:latest'));
  assert.deepEqual(repoTagReference('busybox:1', ''), parseReference('busybox:1'));
  assert.deepEqual(repoTagReference('busybox:1', '2'), parseReference('busybox:2'));
});
