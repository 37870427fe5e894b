import assert from 'node:assert/strict';
import test from 'node:test';
import type { Digest } from '../../common/digest.js';
import { isInvalidArgument, WharfError } from '../../common/errors.js';
import { formatReference, parseReference, type Reference } from '../../common/reference.js';
import type { ImageRecord, ImageStore, Lease, ReferenceEntry } from './image-store.js';
import { readImageConfig, resolveImage } from './resolve.js';
import { configFor } from './testing/fixtures.js';
import { MemoryContentStore } from './testing/memory-stores.js';

/** A plain in-memory ImageStore, enough for name resolution. */
class MapImageStore implements ImageStore {
  readonly records = new Map<Digest, ImageRecord>();
  readonly refs = new Map<string, ReferenceEntry>();
  async get(id: Digest): Promise<ImageRecord | undefined> { return this.records.get(id); }
  async list(): Promise<ImageRecord[]> { return [...this.records.values()]; }
  async put(r: ImageRecord): Promise<void> { this.records.set(r.id, r); }
  async delete(id: Digest): Promise<void> { this.records.delete(id); }
  async references(id?: Digest): Promise<ReferenceEntry[]> { return [...this.refs.values()].filter((e) => id === undefined || e.imageId === id); }
  async resolveReference(ref: Reference): Promise<Digest | undefined> { return this.refs.get(formatReference(ref))?.imageId; }
  async setReference(ref: Reference, imageId: Digest): Promise<void> { this.refs.set(formatReference(ref), { ref, imageId }); }
  async deleteReference(ref: Reference): Promise<boolean> { return this.refs.delete(formatReference(ref)); }
  lease(): Lease { return { add: () => undefined, guard: (op) => op(), release: () => undefined }; }
  async garbageCollect(): Promise<{ blobs: number; snapshots: number; bytes: number }> { return { blobs: 0, snapshots: 0, bytes: 0 }; }
}

const id = (hex: string): Digest => `sha256:${hex.padEnd(64, '0')}`;
const A = id('abc1');
const B = id('abd2');
const C = id('f00d');
const MANIFEST = id('4a4a');

async function store(): Promise<MapImageStore> {
  const s = new MapImageStore();
  for (const i of [A, B, C]) await s.put({ id: i, layers: [], addedAt: '2024-01-01T00:00:00Z' });
  await s.put({ id: C, layers: [], addedAt: '2024-01-01T00:00:00Z', manifestDigest: MANIFEST });
  await s.setReference(parseReference('busybox:latest'), A);
  await s.setReference(parseReference('localhost:5000/team/app:v1'), B);
  await s.setReference(parseReference(`alpine@${id('d1d1')}`), B);
  await s.setReference(parseReference('debian:12'), C);
  // A tag that looks like an ID prefix: Docker resolves the reference first.
  await s.setReference(parseReference('f00d:latest'), A);
  return s;
}

const noSuchImage = (name: string) => (err: unknown): boolean =>
  err instanceof WharfError && err.kind === 'NotFound' && err.code === 'WHARF_NO_SUCH_IMAGE' && err.message === `No such image: ${name}`;

test('resolveImage accepts full IDs with and without sha256:', async () => {
  const s = await store();
  assert.equal((await resolveImage(s, A)).id, A);
  assert.equal((await resolveImage(s, A.slice(7))).id, A);
  await assert.rejects(resolveImage(s, id('9999')), noSuchImage(id('9999')));
});

test('resolveImage resolves tags, adding :latest', async () => {
  const s = await store();
  assert.equal((await resolveImage(s, 'busybox')).id, A);
  assert.equal((await resolveImage(s, 'docker.io/library/busybox:latest')).id, A);
  assert.equal((await resolveImage(s, 'localhost:5000/team/app:v1')).id, B);
  assert.equal((await resolveImage(s, 'debian:12')).id, C);
  // compat: dockerd names the tag-completed reference.
  await assert.rejects(resolveImage(s, 'debian'), noSuchImage('debian:latest'));
  await assert.rejects(resolveImage(s, 'busybox:1.36'), noSuchImage('busybox:1.36'));
});

test('resolveImage resolves digest references within their repository only', async () => {
  const s = await store();
  assert.equal((await resolveImage(s, `alpine@${id('d1d1')}`)).id, B);
  assert.equal((await resolveImage(s, `alpine:3@${id('d1d1')}`)).id, B);
  // By manifest digest, when the image has a reference in that repository.
  assert.equal((await resolveImage(s, `debian@${MANIFEST}`)).id, C);
  await assert.rejects(resolveImage(s, `busybox@${MANIFEST}`), noSuchImage(`busybox@${MANIFEST}`));
  await assert.rejects(resolveImage(s, `other@${id('d1d1')}`), noSuchImage(`other@${id('d1d1')}`));
});

test('resolveImage resolves unambiguous ID prefixes of any length', async () => {
  const s = await store();
  assert.equal((await resolveImage(s, 'abc')).id, A);
  assert.equal((await resolveImage(s, 'abd')).id, B);
  assert.equal((await resolveImage(s, 'sha256:abd2')).id, B);
  assert.equal((await resolveImage(s, 'f')).id, C);
  await assert.rejects(resolveImage(s, '1234'), noSuchImage('1234:latest'));
});

test('resolveImage prefers a tag over an ID prefix', async () => {
  const s = await store();
  assert.equal((await resolveImage(s, 'f00d')).id, A);
});

test('resolveImage refuses an ambiguous prefix', async () => {
  const s = await store();
  for (const name of ['ab', 'sha256:a', 'a']) {
    await assert.rejects(resolveImage(s, name), (e: unknown) => e instanceof WharfError && e.kind === 'NotFound' && e.code === 'WHARF_AMBIGUOUS_IMAGE_ID' && /ambiguous/.test(e.message));
  }
});

test('resolveImage rejects names that are no reference', async () => {
  const s = await store();
  for (const name of ['sha256:../x', '../etc/passwd', 'UPPER', '', 'a b']) {
    await assert.rejects(resolveImage(s, name), (e: unknown) => isInvalidArgument(e), name);
  }
});

test('readImageConfig validates and caches the config', async () => {
  const content = new MemoryContentStore();
  const cfg = await content.put(configFor([id('1111')]));
  const record: ImageRecord = { id: cfg.digest, layers: [], addedAt: '' };
  const first = await readImageConfig(content, record);
  assert.equal(first.os, 'linux');
  content.blobs.clear();
  assert.equal(await readImageConfig(content, record), first);
  const bad = await content.put('{"rootfs": 1}');
  await assert.rejects(readImageConfig(content, { id: bad.digest, layers: [], addedAt: '' }), (e: unknown) => isInvalidArgument(e));
});
