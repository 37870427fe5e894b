import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import test from 'node:test';
import type { Digest } from '../../common/digest.js';
import { WharfError } from '../../common/errors.js';
import { parseReference } from '../../common/reference.js';
import { chainIds } from '../../core/image/chain-id.js';
import { hostPlatform } from '../../core/image/platform.js';
import { collect, configFor, gzip, makeLayer, makeTar, sha256, streamOf, type TarEntry } from '../../core/image/testing/fixtures.js';
import { seedImage } from '../../core/image/testing/seed.js';
import { testImageDeps, type TestImageDeps } from '../../core/image/testing/test-deps.js';
import { loadImages, type LoadProgress } from './load.js';
import { saveImages } from './save.js';

const hex = (d: Digest): string => d.slice(7);
const json = (v: unknown): string => JSON.stringify(v);

/** An image as test archives describe it: layer tars, config bytes, tags. */
interface TestImage {
  layers: Buffer[];
  config: Buffer;
  tags: string[];
}

async function testImage(files: Array<Record<string, string>>, tags: string[], extra: Record<string, unknown> = {}): Promise<TestImage> {
  const layers = await Promise.all(files.map((f) => makeLayer(f)));
  return { layers, config: configFor(layers.map((l) => sha256(l)), extra), tags };
}

function ociManifest(img: TestImage, layerType = 'application/vnd.oci.image.layer.v1.tar', blobs = img.layers): Buffer {
  return Buffer.from(json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(img.config), size: img.config.length },
    layers: blobs.map((l) => ({ mediaType: layerType, digest: sha256(l), size: l.length })),
  }));
}

/** docker25Archive lays images out as `docker save` does since Docker 25, with manifest.json first. */
function docker25Entries(images: TestImage[]): TarEntry[] {
  const blobs = new Map<string, Buffer>();
  const index: unknown[] = [];
  const manifest: unknown[] = [];
  for (const img of images) {
    for (const b of [...img.layers, img.config]) blobs.set(hex(sha256(b)), b);
    const m = ociManifest(img);
    blobs.set(hex(sha256(m)), m);
    for (const tag of img.tags) {
      const r = parseReference(tag);
      index.push({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(m), size: m.length, annotations: { 'io.containerd.image.name': `${r.domain}/${r.path}:${r.tag}`, 'org.opencontainers.image.ref.name': r.tag } });
    }
    manifest.push({ Config: `blobs/sha256/${hex(sha256(img.config))}`, RepoTags: img.tags, Layers: img.layers.map((l) => `blobs/sha256/${hex(sha256(l))}`) });
  }
  return [
    { name: 'manifest.json', body: json(manifest) },
    { name: 'blobs/', type: 'directory' },
    { name: 'blobs/sha256/', type: 'directory' },
    ...[...blobs].map(([h, body]) => ({ name: `blobs/sha256/${h}`, body })),
    { name: 'index.json', body: json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: index }) },
    { name: 'oci-layout', body: '{"imageLayoutVersion": "1.0.0"}' },
  ];
}

/** legacyEntries lays an image out as `docker save` did before Docker 25; a repeated layer becomes a symlink. */
function legacyEntries(img: TestImage): TarEntry[] {
  const entries: TarEntry[] = [];
  const paths: string[] = [];
  const firstDir = new Map<string, string>();
  img.layers.forEach((layer, i) => {
    const v1 = hex(sha256(`v1-${i}`));
    entries.push({ name: `${v1}/`, type: 'directory' }, { name: `${v1}/VERSION`, body: '1.0' }, { name: `${v1}/json`, body: json({ id: v1 }) });
    const seen = firstDir.get(sha256(layer));
    if (seen === undefined) {
      firstDir.set(sha256(layer), v1);
      entries.push({ name: `${v1}/layer.tar`, body: layer });
    } else entries.push({ name: `${v1}/layer.tar`, type: 'symlink', linkname: `../${seen}/layer.tar` });
    paths.push(`${v1}/layer.tar`);
  });
  const configName = `${hex(sha256(img.config))}.json`;
  return [
    ...entries,
    { name: configName, body: img.config },
    { name: 'manifest.json', body: json([{ Config: configName, RepoTags: img.tags, Layers: paths }]) },
    { name: 'repositories', body: json({}) },
  ];
}

async function load(d: TestImageDeps, archive: Buffer, onProgress?: (p: LoadProgress) => void): Promise<Awaited<ReturnType<typeof loadImages>>> {
  return loadImages(d, streamOf(archive, 3000), onProgress === undefined ? {} : { onProgress });
}

async function assertNothingVisible(d: TestImageDeps): Promise<void> {
  assert.deepEqual(await d.images.list(), []);
  assert.deepEqual(await d.images.references(), []);
  // The load's lease is gone: everything it stored is garbage.
  await d.images.garbageCollect();
  assert.equal(d.content.blobs.size, 0);
  assert.equal(d.snapshots.snaps.size, 0);
}

test('save then load keeps image IDs, tags and layers', async (t) => {
  const src = await testImageDeps(t);
  const a = await seedImage(src, [{ 'bin/sh': 'sh' }, { 'etc/a': 'a' }]);
  const b = await seedImage(src, [{ 'bin/sh': 'sh' }, { 'etc/b': 'b' }]);
  await src.images.setReference(parseReference('busybox:latest'), a.id);
  await src.images.setReference(parseReference('example.com/team/b:2'), b.id);
  const archive = await collect(await saveImages(src, ['busybox:latest', 'example.com/team/b:2']));
  const dst = await testImageDeps(t);
  const progress: LoadProgress[] = [];
  const result = await load(dst, archive, (p) => progress.push(p));
  assert.deepEqual(result.loaded, [{ id: a.id, refs: ['busybox:latest'] }, { id: b.id, refs: ['example.com/team/b:2'] }]);
  assert.equal(await dst.images.resolveReference(parseReference('busybox:latest')), a.id);
  const loaded = await dst.images.get(b.id);
  assert.deepEqual(loaded?.layers.map((l) => l.diffId), b.layers.map((l) => l.diffId));
  assert.ok(loaded?.manifestDigest !== undefined);
  const top = chainIds(b.layers.map((l) => l.diffId))[1] as Digest;
  assert.equal(dst.snapshots.snaps.get(top)?.files.get('etc/b')?.toString(), 'b');
  assert.deepEqual(await dst.images.check(), []);
  assert.deepEqual(dst.events.actions(), ['tag busybox:latest', 'tag example.com/team/b:2', `load ${a.id}`, `load ${b.id}`]);
  assert.equal(progress.filter((p) => p.status === 'Loading layer').length, 8);
  assert.deepEqual(progress[1], { status: 'Loading layer', id: a.layers[0]?.diffId.slice(7, 19), progressDetail: { current: a.layers[0]?.size, total: a.layers[0]?.size } });
  // A second save of the loaded images is byte for byte the first.
  assert.deepEqual(await collect(await saveImages(dst, ['busybox:latest', 'example.com/team/b:2'])), archive);
});

test('load reads a Docker 25 archive written by someone else, in any entry order', async (t) => {
  const d = await testImageDeps(t);
  const img = await testImage([{ a: '1' }, { b: '2' }], ['app:1', 'app:latest']);
  const entries = docker25Entries([img]);
  const result = await load(d, await makeTar([...entries].reverse()));
  assert.deepEqual(result.loaded, [{ id: sha256(img.config), refs: ['app:1', 'app:latest'] }]);
  const record = await d.images.get(sha256(img.config));
  assert.equal(record?.manifestDigest, sha256(ociManifest(img)));
  assert.equal(record?.layers[0]?.mediaType, 'application/vnd.oci.image.layer.v1.tar');
  assert.deepEqual(await d.images.check(), []);
});

test('load reads a legacy (Docker < 25) archive with a symlinked repeated layer', async (t) => {
  const d = await testImageDeps(t);
  const img = await testImage([{ a: 'same' }, { a: 'same' }, { c: '3' }], ['legacy:1']);
  const result = await load(d, await makeTar(legacyEntries(img)));
  assert.deepEqual(result.loaded, [{ id: sha256(img.config), refs: ['legacy:1'] }]);
  const record = await d.images.get(sha256(img.config));
  assert.equal(record?.layers.length, 3);
  assert.equal(record?.manifestDigest, undefined);
  assert.equal(d.snapshots.snaps.size, 3);
  // Legacy v1 metadata is not kept.
  await d.images.garbageCollect();
  assert.equal(d.content.blobs.size, 3); // config + 2 distinct layers
});

test('load reads archives laid out as skopeo writes them (root layer files behind v1 symlinks)', async (t) => {
  const d = await testImageDeps(t);
  const img = await testImage([{ a: '1' }, { b: '2' }], []);
  const v1 = img.layers.map((_, i) => hex(sha256(`skopeo-${i}`)));
  const archive = await makeTar([
    ...img.layers.map((l) => ({ name: `${hex(sha256(l))}.tar`, body: l })),
    { name: `${hex(sha256(img.config))}.json`, body: img.config },
    ...img.layers.flatMap((l, i): TarEntry[] => [
      { name: `${v1[i]}/layer.tar`, type: 'symlink', linkname: `../${hex(sha256(l))}.tar` },
      { name: `${v1[i]}/VERSION`, body: '1.0' },
    ]),
    { name: 'manifest.json', body: json([{ Config: `${hex(sha256(img.config))}.json`, RepoTags: ['docker.io/foo/bar:1'], Layers: img.layers.map((l) => `${hex(sha256(l))}.tar`) }]) },
    { name: 'repositories', body: json({ 'docker.io/foo/bar': { '1': v1[1] } }) },
  ]);
  assert.deepEqual((await load(d, archive)).loaded, [{ id: sha256(img.config), refs: ['foo/bar:1'] }]);
  assert.deepEqual(await d.images.check(), []);
});

test('load reads an OCI layout with only index.json, gzip layers and a multi-platform index', async (t) => {
  const d = await testImageDeps(t);
  const host = await testImage([{ host: 'yes' }], []);
  const other = await testImage([{ other: 'yes' }], [], { architecture: 'riscv64' });
  const gzHost = host.layers.map((l) => gzip(l));
  const gzOther = other.layers.map((l) => gzip(l));
  const mHost = ociManifest(host, 'application/vnd.oci.image.layer.v1.tar+gzip', gzHost);
  const mOther = ociManifest(other, 'application/vnd.oci.image.layer.v1.tar+gzip', gzOther);
  const attestation = Buffer.from(json({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.in-toto+json', digest: sha256('x'), size: 1 }, layers: [] }));
  const hp = hostPlatform();
  const nested = Buffer.from(json({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.index.v1+json',
    manifests: [
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(mOther), size: mOther.length, platform: { os: 'linux', architecture: 'riscv64' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(attestation), size: attestation.length, platform: { os: 'unknown', architecture: 'unknown' }, annotations: { 'vnd.docker.reference.type': 'attestation-manifest' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(mHost), size: mHost.length, platform: { os: 'linux', architecture: hp.architecture } },
    ],
  }));
  const blobs = [host.config, other.config, ...gzHost, ...gzOther, mHost, mOther, attestation, nested];
  const archive = await makeTar([
    { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', body: json({ schemaVersion: 2, manifests: [
      { mediaType: 'application/vnd.oci.image.index.v1+json', digest: sha256(nested), size: nested.length, annotations: { 'org.opencontainers.image.ref.name': 'oci:2' } },
      { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(mOther), size: mOther.length, annotations: { 'org.opencontainers.image.ref.name': 'latest' } },
    ] }) },
    ...blobs.map((b) => ({ name: `./blobs/sha256/${hex(sha256(b))}`, body: b })),
  ]);
  const result = await load(d, gzip(archive));
  assert.deepEqual(result.loaded, [{ id: sha256(host.config), refs: ['oci:2'] }, { id: sha256(other.config), refs: [] }]);
  const record = await d.images.get(sha256(host.config));
  assert.equal(record?.manifestDigest, sha256(mHost));
  assert.deepEqual(record?.layers.map((l) => [l.blob, l.mediaType]), [[sha256(gzHost[0] as Buffer), 'application/vnd.oci.image.layer.v1.tar+gzip']]);
  assert.deepEqual(await d.images.check(), []);
});

test('loading an image again re-tags it and moves tags from other images', async (t) => {
  const d = await testImageDeps(t);
  const one = await testImage([{ v: '1' }], ['app:latest']);
  const two = await testImage([{ v: '2' }], ['app:latest', 'app:2']);
  await load(d, await makeTar(docker25Entries([one])));
  await load(d, await makeTar(docker25Entries([one])));
  assert.deepEqual(d.events.actions().filter((a) => a.startsWith('tag')), ['tag app:latest']);
  await load(d, await makeTar(docker25Entries([two])));
  assert.equal(await d.images.resolveReference(parseReference('app:latest')), sha256(two.config));
  assert.deepEqual(d.events.actions().filter((a) => a.startsWith('tag')), ['tag app:latest', 'tag app:latest', 'tag app:2']);
  assert.equal((await d.images.list()).length, 2);
});

const invalid = (code: string | RegExp, message?: RegExp) => (err: unknown): boolean => {
  assert.ok(err instanceof WharfError, String(err));
  assert.equal(err.kind, 'InvalidArgument', err.message);
  if (typeof code === 'string') assert.equal(err.code, code, err.message);
  else assert.match(err.code, code);
  if (message !== undefined) assert.match(err.message, message);
  return true;
};

test('load refuses hostile archives and leaves nothing behind', async (t) => {
  const img = await testImage([{ a: '1' }, { b: '2' }], ['app:1']);
  const good = docker25Entries([img]);
  const replace = (name: string, body: string | Buffer): TarEntry[] => good.map((e) => (e.name === name ? { ...e, body } : e));
  const manifestWith = (m: unknown): TarEntry[] => replace('manifest.json', json(m));
  const cfg = `blobs/sha256/${hex(sha256(img.config))}`;
  const layerPaths = img.layers.map((l) => `blobs/sha256/${hex(sha256(l))}`);
  const cases: Array<[string, TarEntry[] | Buffer, (e: unknown) => boolean]> = [
    ['dot-dot entry', [...good, { name: '../evil', body: 'x' }], invalid('WHARF_INVALID_ARCHIVE', /outside the archive/)],
    ['nested dot-dot entry', [...good, { name: 'blobs/../../evil', body: 'x' }], invalid('WHARF_INVALID_ARCHIVE', /outside the archive/)],
    ['absolute entry', [...good, { name: '/etc/evil', body: 'x' }], invalid('WHARF_INVALID_ARCHIVE', /absolute path/)],
    ['missing layer file', manifestWith([{ Config: cfg, RepoTags: ['app:1'], Layers: [layerPaths[0], 'blobs/sha256/nope'] }]), invalid('WHARF_INVALID_ARCHIVE', /not in the archive/)],
    ['layer path outside', manifestWith([{ Config: cfg, RepoTags: ['app:1'], Layers: [layerPaths[0], '../../etc/passwd'] }]), invalid('WHARF_INVALID_ARCHIVE', /outside the archive/)],
    ['absolute config path', manifestWith([{ Config: `/${cfg}`, RepoTags: [], Layers: layerPaths }]), invalid('WHARF_INVALID_ARCHIVE', /absolute/)],
    ['symlink escaping', [...good.filter((e) => e.name !== layerPaths[1]), { name: layerPaths[1] as string, type: 'symlink', linkname: '../../../etc/shadow' }], invalid('WHARF_INVALID_ARCHIVE', /outside the archive/)],
    ['symlink loop', [...good.filter((e) => e.name !== layerPaths[1]), { name: layerPaths[1] as string, type: 'symlink', linkname: `${hex(sha256(img.layers[1] as Buffer))}` }], invalid('WHARF_INVALID_ARCHIVE', /too many levels/)],
    ['config digest mismatch', replace(cfg, img.config.toString().replace('amd64', 'arm64')), invalid('WHARF_DIGEST_MISMATCH')],
    ['layer diff mismatch', replace(layerPaths[1] as string, Buffer.alloc(0)), invalid('WHARF_DIGEST_MISMATCH')],
    ['garbage manifest.json', replace('manifest.json', '{"Config":'), invalid('WHARF_INVALID_ARCHIVE', /manifest.json: not valid JSON/)],
    ['null manifest.json', replace('manifest.json', 'null'), invalid('WHARF_INVALID_ARCHIVE', /cannot be null/)],
    ['manifest.json of the wrong shape', manifestWith([{ Config: 7 }]), invalid('WHARF_INVALID_ARCHIVE', /\[0\].Config: expected a string/)],
    ['huge manifest.json', replace('manifest.json', Buffer.alloc((8 << 20) + 1, 0x20)), invalid('WHARF_INVALID_ARCHIVE', /larger than/)],
    ['layer count mismatch', manifestWith([{ Config: cfg, RepoTags: [], Layers: [layerPaths[0]] }]), invalid('WHARF_INVALID_MANIFEST', /layers length mismatch: expected 1, got 2/)],
    ['invalid tag', manifestWith([{ Config: cfg, RepoTags: ['app@sha256:' + 'a'.repeat(64)], Layers: layerPaths }]), invalid('WHARF_INVALID_ARCHIVE', /invalid tag/)],
    ['bad reference', manifestWith([{ Config: cfg, RepoTags: ['UPPER:1'], Layers: layerPaths }]), invalid('WHARF_INVALID_REFERENCE')],
    ['no manifest at all', good.filter((e) => e.name !== 'manifest.json' && e.name !== 'index.json'), invalid('WHARF_INVALID_ARCHIVE', /does not contain a manifest.json/)],
    ['not a tar', Buffer.from('this is not an archive at all, just text '.repeat(100)), invalid('WHARF_INVALID_ARCHIVE')],
    ['config with garbage', [...good, { name: 'bad.json', body: '{"rootfs": "x"}' }, { name: 'manifest.json', body: json([{ Config: 'bad.json', RepoTags: [], Layers: [] }]) }], invalid('WHARF_INVALID_IMAGE_CONFIG')],
  ];
  for (const [what, entries, check] of cases) {
    const d = await testImageDeps(t);
    const archive = Buffer.isBuffer(entries) ? entries : await makeTar(entries);
    await assert.rejects(load(d, archive), check, what);
    await assertNothingVisible(d);
  }
});

test('load refuses a truncated archive and a Windows image', async (t) => {
  const img = await testImage([{ a: '1' }], ['app:1']);
  const full = await makeTar(docker25Entries([img]));
  const d = await testImageDeps(t);
  await assert.rejects(load(d, full.subarray(0, 3000)), invalid('WHARF_INVALID_ARCHIVE'));
  await assertNothingVisible(d);
  const win = await testImage([{ a: '1' }], ['win:1'], { os: 'windows' });
  await assert.rejects(load(d, await makeTar(docker25Entries([win]))), invalid('WHARF_UNSUPPORTED_PLATFORM', /"windows" cannot be used on this platform/));
  await assertNothingVisible(d);
});

test('a failed load leaves the stream of its caller open, for the server to answer on', async (t) => {
  const d = await testImageDeps(t);
  const img = await testImage([{ a: '1' }], ['app:1']);
  const archive = await makeTar([{ name: '../evil', body: 'x' }, ...docker25Entries([img])]);
  const source = streamOf(archive, 512);
  await assert.rejects(loadImages(d, source), invalid('WHARF_INVALID_ARCHIVE'));
  assert.equal(source.destroyed, false);
});

test('a failing image makes the whole load fail, even after good ones', async (t) => {
  const d = await testImageDeps(t);
  const good = await testImage([{ a: '1' }], ['good:1']);
  const bad = await testImage([{ b: '2' }], ['bad:1']);
  const entries = docker25Entries([good, bad]).map((e) => (e.name === `blobs/sha256/${hex(sha256(bad.layers[0] as Buffer))}` ? { ...e, name: 'elsewhere' } : e));
  await assert.rejects(load(d, await makeTar(entries)), invalid('WHARF_INVALID_ARCHIVE'));
  await assertNothingVisible(d);
});

/** slowly delivers bytes over many event-loop turns, as a client upload does. */
async function* slowly(b: Buffer, chunk = 2000): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += chunk) {
    await new Promise((r) => setTimeout(r, 1));
    yield b.subarray(i, i + chunk);
  }
}

test('concurrent load and delete of the same image leave a consistent store', async (t) => {
  const outcomes: string[] = [];
  for (const delayMs of [0, 5, 20, 60]) {
    const d = await testImageDeps(t);
    const img = await testImage([{ a: '1' }, { b: 'x'.repeat(50_000) }], ['app:1']);
    const archive = await makeTar(docker25Entries([img]));
    await load(d, archive);
    const id = sha256(img.config);
    const reload = loadImages(d, Readable.from(slowly(archive))).then(() => 'loaded', (e: unknown) => e);
    await new Promise((r) => setTimeout(r, delayMs));
    await d.images.delete(id);
    await d.images.garbageCollect();
    const outcome = await reload;
    if (outcome instanceof Error) assert.ok(outcome instanceof WharfError && outcome.kind === 'NotFound', String(outcome));
    outcomes.push(typeof outcome === 'string' ? outcome : 'deleted under it');
    await d.images.garbageCollect();
    assert.deepEqual(await d.images.check(), []);
    for (const ref of await d.images.references()) assert.ok(await d.images.get(ref.imageId));
    // Whatever happened, a final load brings the image back complete.
    await load(d, archive);
    assert.deepEqual(await d.images.check(), []);
    assert.equal(await d.images.resolveReference(parseReference('app:1')), id);
  }
  // The first run deleted (and collected) the image while the reload was still reading the archive.
  assert.equal(outcomes[0], 'loaded');
});
