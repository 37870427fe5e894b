import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import test, { type TestContext } from 'node:test';
import type { Digest } from '../../common/digest.js';
import { WharfError, isNotFound } from '../../common/errors.js';
import { parseReference } from '../../common/reference.js';
import { DataRootLayout } from '../layout.js';
import { chainIds } from './chain-id.js';
import { LocalImageStore } from './local-image-store.js';
import { sha256 } from './testing/fixtures.js';
import { MemoryContentStore, MemorySnapshotter } from './testing/memory-stores.js';
import { seedImage } from './testing/seed.js';

async function setup(t: TestContext): Promise<{ layout: DataRootLayout; content: MemoryContentStore; snapshots: MemorySnapshotter; images: LocalImageStore }> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-images-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const layout = new DataRootLayout(root);
  const content = new MemoryContentStore();
  const snapshots = new MemorySnapshotter();
  const images = await LocalImageStore.open(layout, content, snapshots);
  return { layout, content, snapshots, images };
}

const busybox = parseReference('busybox:latest');
const other = parseReference('example.com/team/app:1');

test('records and references survive a reopen', async (t) => {
  const s = await setup(t);
  const img = await seedImage(s, [{ 'a.txt': 'a' }, { 'b.txt': 'b' }]);
  await s.images.setReference(busybox, img.id);
  await s.images.setReference(other, img.id);
  const reopened = await LocalImageStore.open(s.layout, s.content, s.snapshots);
  assert.deepEqual(await reopened.get(img.id), img);
  assert.equal(await reopened.resolveReference(busybox), img.id);
  assert.equal((await reopened.references(img.id)).length, 2);
  assert.deepEqual(reopened.warnings, []);
  assert.deepEqual(await reopened.check(), []);
});

test('setReference refuses an image that does not exist', async (t) => {
  const s = await setup(t);
  await assert.rejects(s.images.setReference(busybox, sha256('nothing')), (e: unknown) => isNotFound(e));
  assert.deepEqual(await s.images.references(), []);
});

test('put refuses a record whose content is missing', async (t) => {
  const s = await setup(t);
  const record = { id: sha256('no such config'), layers: [], addedAt: new Date().toISOString() };
  await assert.rejects(s.images.put(record), (e: unknown) => e instanceof WharfError && e.kind === 'FailedPrecondition' && e.code === 'WHARF_IMAGE_CONTENT_MISSING');
  assert.equal(await s.images.get(record.id), undefined);
});

test('delete removes the record and its references, durably', async (t) => {
  const s = await setup(t);
  const a = await seedImage(s, [{ a: '1' }]);
  const b = await seedImage(s, [{ b: '2' }]);
  await s.images.setReference(busybox, a.id);
  await s.images.setReference(other, b.id);
  await s.images.delete(a.id);
  await s.images.delete(a.id); // idempotent
  assert.equal(await s.images.get(a.id), undefined);
  assert.equal(await s.images.resolveReference(busybox), undefined);
  const reopened = await LocalImageStore.open(s.layout, s.content, s.snapshots);
  assert.equal(await reopened.get(a.id), undefined);
  assert.equal(await reopened.resolveReference(other), b.id);
  assert.equal(await reopened.deleteReference(other), true);
  assert.equal(await reopened.deleteReference(other), false);
});

test('open repairs what a crash or damage left behind, with warnings', async (t) => {
  const s = await setup(t);
  const img = await seedImage(s, [{ a: '1' }]);
  await s.images.setReference(busybox, img.id);
  // A reference naming a record that never got written (or was removed by hand).
  const refs = JSON.parse(await fs.readFile(s.layout.referencesFile, 'utf8')) as { references: Record<string, string> };
  refs.references['docker.io/library/ghost:latest'] = sha256('ghost');
  refs.references['NOT A REFERENCE'] = img.id;
  await fs.writeFile(s.layout.referencesFile, JSON.stringify(refs));
  // Leftovers of interrupted atomic writes, a damaged record, a record whose config blob is gone.
  await fs.writeFile(path.join(s.layout.imagesDir, `.${'c'.repeat(64)}.json.0123456789ab.tmp`), 'partial');
  await fs.writeFile(path.join(s.layout.imagesDir, `${'d'.repeat(64)}.json`), '{"id": tru');
  const orphan = { id: sha256('orphan config'), layers: [], addedAt: '2024-01-01T00:00:00Z' };
  await fs.writeFile(s.layout.image(orphan.id as Digest), JSON.stringify(orphan));
  const warnings: string[] = [];
  const reopened = await LocalImageStore.open(s.layout, s.content, s.snapshots, { onWarning: (m) => warnings.push(m) });
  assert.deepEqual([...reopened.warnings], warnings);
  assert.equal(warnings.length, 4, warnings.join('\n'));
  assert.ok(warnings.some((w) => w.includes('ghost')));
  assert.ok(warnings.some((w) => w.includes('config blob is missing')));
  assert.deepEqual((await reopened.list()).map((r) => r.id), [img.id]);
  assert.equal(await reopened.resolveReference(busybox), img.id);
  assert.deepEqual((await fs.readdir(s.layout.imagesDir)).filter((n) => n.endsWith('.tmp')), []);
  // The dropped references are gone from disk too.
  const third = await LocalImageStore.open(s.layout, s.content, s.snapshots);
  assert.deepEqual(third.warnings.filter((w) => w.includes('ghost')), []);
});

test('check reports a record whose layer snapshot is missing', async (t) => {
  const s = await setup(t);
  const img = await seedImage(s, [{ a: '1' }, { b: '2' }]);
  const [base] = chainIds(img.layers.map((l) => l.diffId));
  s.snapshots.snaps.delete(base as Digest);
  const problems = await s.images.check();
  assert.equal(problems.length, 1);
  assert.match(problems[0]?.problem ?? '', /snapshot .* is missing/);
});

test('garbage collection keeps shared layers and frees unshared ones', async (t) => {
  const s = await setup(t);
  const base = { 'bin/sh': 'shell' };
  const a = await seedImage(s, [base, { 'app-a': 'aaaa' }]);
  const b = await seedImage(s, [base, { 'app-b': 'bbbbbbbb' }]);
  const stray = await s.content.put('left over from an interrupted load');
  assert.deepEqual(await s.images.garbageCollect(), { blobs: 1, snapshots: 0, bytes: stray.size });
  await s.images.delete(b.id);
  const result = await s.images.garbageCollect();
  assert.equal(result.blobs, 2); // b's config and b's top layer
  assert.equal(result.snapshots, 1); // b's top snapshot
  assert.ok(result.bytes > 0);
  assert.deepEqual(await s.images.check(), []);
  for (const l of a.layers) assert.ok(await s.content.info(l.blob));
  assert.equal(await s.content.info(b.id), undefined);
  assert.equal(await s.content.info(b.layers[1]?.blob as Digest), undefined);
  assert.ok(await s.snapshots.stat(chainIds(b.layers.map((l) => l.diffId))[0] as Digest), 'shared base kept');
  await s.images.delete(a.id);
  const all = await s.images.garbageCollect();
  assert.equal(all.snapshots, 2);
  assert.equal(s.content.blobs.size, 0);
  assert.equal(s.snapshots.snaps.size, 0);
});

test('garbage collection keeps what a live lease holds', async (t) => {
  const s = await setup(t);
  const blob = await s.content.put('in flight');
  const lease = s.images.lease();
  lease.add(blob.digest);
  assert.equal((await s.images.garbageCollect()).blobs, 0);
  lease.release();
  assert.equal((await s.images.garbageCollect()).blobs, 1);
});

test('garbage collection leaves blobs alone while a guarded ingest is in flight, and never waits for it', async (t) => {
  const s = await setup(t);
  const img = await seedImage(s, [{ a: '1' }]);
  await s.images.delete(img.id);
  const lease = s.images.lease();
  let finish = (): void => undefined;
  const gate = new Promise<void>((r) => (finish = r));
  const ingest = lease.guard(async () => {
    await gate;
    const info = await s.content.put('ingested');
    lease.add(info.digest);
    return info;
  });
  // The collection completes while the ingest is stuck: snapshots go, blobs wait.
  assert.deepEqual(await s.images.garbageCollect(), { blobs: 0, snapshots: 1, bytes: 1 }); // the double's snapshot size: file bytes
  finish();
  const info = await ingest;
  const after = await s.images.garbageCollect();
  assert.equal(after.blobs, 2); // the deleted image's config and layer
  assert.ok(await s.content.info(info.digest));
  lease.release();
  assert.equal((await s.images.garbageCollect()).blobs, 1);
});
