import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import type { Digest } from '../../common/digest.js';
import { WharfError } from '../../common/errors.js';
import { DataRootLayout } from '../layout.js';
import { nextChainId } from './chain-id.js';
import { ingestLayer, unpackStoredLayer } from './layer-ingest.js';
import { LocalImageStore } from './local-image-store.js';
import { MEDIA_TYPE_OCI_LAYER, MEDIA_TYPE_OCI_LAYER_GZIP, MEDIA_TYPE_OCI_LAYER_ZSTD } from './oci.js';
import { gzip, makeLayer, sha256, streamOf } from './testing/fixtures.js';
import { MemoryContentStore, MemorySnapshotter } from './testing/memory-stores.js';

async function setup(t: TestContext): Promise<{ content: MemoryContentStore; snapshots: MemorySnapshotter; images: LocalImageStore }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-layer-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const content = new MemoryContentStore();
  const snapshots = new MemorySnapshotter();
  return { content, snapshots, images: await LocalImageStore.open(new DataRootLayout(root), content, snapshots) };
}

const mismatch = (err: unknown): boolean => err instanceof WharfError && err.kind === 'InvalidArgument' && err.code === 'WHARF_DIGEST_MISMATCH';

// A tar holding hello.txt ("hi from zstd\n"), compressed with `zstd -19`.
const ZSTD_LAYER = Buffer.from(
  '28b52ffd6400076d0200c2830c11a0ed30fcc3747da80a17fe21e3cf4c4f010648c6baee41b56cf9373c324edf5bc685f87e8bf87f2f21e6bf2595e1b59656092050b73beffd4a22056008a07480c91b3611bcce4d07096b177187',
  'hex',
);
const ZSTD_LAYER_DIFF_ID: Digest = 'sha256:27b28a0277205bc26b87e650694047e33b9b103f0fd5f803c0c9d48eaa6ca0c0';

test('ingestLayer without a known diff ID stores, hashes and unpacks a plain tar', async (t) => {
  const s = await setup(t);
  const tar = await makeLayer({ 'etc/os-release': 'ID=test\n' });
  const lease = s.images.lease();
  const { layer, chainId } = await ingestLayer(s, streamOf(tar), { lease });
  assert.deepEqual(layer, { diffId: sha256(tar), blob: sha256(tar), mediaType: MEDIA_TYPE_OCI_LAYER, size: tar.length });
  assert.equal(chainId, sha256(tar));
  assert.equal(s.snapshots.snaps.get(chainId)?.files.get('etc/os-release')?.toString(), 'ID=test\n');
  // The lease keeps blob and snapshot through a garbage collection; releasing it lets them go.
  assert.deepEqual(await s.images.garbageCollect(), { blobs: 0, snapshots: 0, bytes: 0 });
  lease.release();
  assert.equal((await s.images.garbageCollect()).snapshots, 1);
});

test('ingestLayer records gzip and zstd layers under their own media types', async (t) => {
  const s = await setup(t);
  const tar = await makeLayer({ a: 'gzip me' });
  const gz = gzip(tar);
  const lease = s.images.lease();
  const g = await ingestLayer(s, streamOf(gz, 10), { lease });
  assert.deepEqual(g.layer, { diffId: sha256(tar), blob: sha256(gz), mediaType: MEDIA_TYPE_OCI_LAYER_GZIP, size: gz.length });
  const z = await ingestLayer(s, streamOf(ZSTD_LAYER, 7), { lease, parent: g.chainId });
  assert.equal(z.layer.diffId, ZSTD_LAYER_DIFF_ID);
  assert.equal(z.layer.mediaType, MEDIA_TYPE_OCI_LAYER_ZSTD);
  assert.equal(z.chainId, nextChainId(g.chainId, ZSTD_LAYER_DIFF_ID));
  assert.equal(s.snapshots.snaps.get(z.chainId)?.files.get('hello.txt')?.toString(), 'hi from zstd\n');
  lease.release();
});

test('ingestLayer with a known diff ID reads the source once, into both stores', async (t) => {
  const s = await setup(t);
  const tar = await makeLayer({ big: 'x'.repeat(200_000) });
  const gz = gzip(tar);
  const lease = s.images.lease();
  const { layer } = await ingestLayer(s, streamOf(gz, 1000), { lease, expectedBlob: sha256(gz), expectedDiffId: sha256(tar), mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip' });
  assert.equal(layer.mediaType, 'application/vnd.docker.image.rootfs.diff.tar.gzip');
  assert.equal(layer.blob, sha256(gz));
  assert.equal(s.content.ingests, 1);
  assert.equal(s.snapshots.applies, 1);
  lease.release();
});

test('ingestLayer refuses a layer whose bytes do not match the expected digests', async (t) => {
  const s = await setup(t);
  const tar = await makeLayer({ a: '1' });
  const other = await makeLayer({ a: '2' });
  const lease = s.images.lease();
  await assert.rejects(ingestLayer(s, streamOf(tar), { lease, expectedDiffId: sha256(other) }), mismatch);
  assert.equal(s.snapshots.snaps.size, 0);
  await assert.rejects(ingestLayer(s, streamOf(tar), { lease, expectedDiffId: sha256(tar), expectedBlob: sha256(other) }), mismatch);
  await assert.rejects(ingestLayer(s, streamOf(tar), { lease, expectedBlob: sha256(other) }), mismatch);
  assert.equal(await s.content.info(sha256(other)), undefined);
  lease.release();
});

test('ingestLayer reuses what exists but still checks the source', async (t) => {
  const s = await setup(t);
  const tar = await makeLayer({ a: 'same' });
  const lease = s.images.lease();
  const opts = { lease, expectedBlob: sha256(tar), expectedDiffId: sha256(tar) };
  await ingestLayer(s, streamOf(tar), opts);
  const again = await ingestLayer(s, streamOf(tar), opts);
  assert.equal(again.layer.blob, sha256(tar));
  assert.equal(s.content.ingests, 1);
  assert.equal(s.snapshots.applies, 1);
  const forged = await makeLayer({ a: 'evil' });
  await assert.rejects(ingestLayer(s, streamOf(forged), opts), mismatch);
  lease.release();
});

test('unpackStoredLayer proves a stored blob is the layer an existing snapshot holds', async (t) => {
  const s = await setup(t);
  const tar = await makeLayer({ a: 'real' });
  const lease = s.images.lease();
  await ingestLayer(s, streamOf(tar), { lease });
  const impostor = await s.content.put(await makeLayer({ a: 'fake' }));
  await assert.rejects(unpackStoredLayer(s, impostor.digest, { lease, diffId: sha256(tar) }), mismatch);
  const gz = await s.content.put(gzip(tar));
  const ok = await unpackStoredLayer(s, gz.digest, { lease, diffId: sha256(tar) });
  assert.equal(ok.layer.mediaType, MEDIA_TYPE_OCI_LAYER_GZIP);
  assert.equal(s.snapshots.applies, 1);
  lease.release();
});

test('ingestLayer fails cleanly on a corrupt compressed layer', async (t) => {
  const s = await setup(t);
  const gz = gzip(await makeLayer({ a: 'x'.repeat(5000) }));
  const lease = s.images.lease();
  await assert.rejects(ingestLayer(s, streamOf(gz.subarray(0, gz.length - 30)), { lease, expectedDiffId: sha256('whatever') }), (e: unknown) => e instanceof WharfError && e.kind === 'InvalidArgument');
  await assert.rejects(ingestLayer(s, streamOf(gz.subarray(0, gz.length - 30)), { lease }), (e: unknown) => e instanceof WharfError && e.code === 'WHARF_INVALID_COMPRESSED_DATA');
  assert.equal(s.snapshots.snaps.size, 0);
  lease.release();
});
