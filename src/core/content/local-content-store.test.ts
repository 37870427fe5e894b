import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import type { Digest } from '../../common/digest.js';
import { DataRootLayout } from '../layout.js';
import { LocalContentStore } from './local-content-store.js';

async function openStore(t: { after(fn: () => void): void }): Promise<{ store: LocalContentStore; layout: DataRootLayout }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-content-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const layout = new DataRootLayout(root);
  return { store: await LocalContentStore.open(layout), layout };
}

function sha(data: string | Buffer): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

const ingestFiles = (layout: DataRootLayout): string[] => fs.readdirSync(layout.ingestDir);

async function* chunks(n: number, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < n; i++) yield Buffer.alloc(size, i % 256);
}

test('open creates the directories and removes stale ingest files', async (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-content-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const layout = new DataRootLayout(root);
  fs.mkdirSync(layout.ingestDir, { recursive: true });
  fs.writeFileSync(path.join(layout.ingestDir, 'stale'), 'half a blob');
  await LocalContentStore.open(layout);
  assert.ok(fs.statSync(layout.blobsDir).isDirectory());
  assert.deepEqual(ingestFiles(layout), []);
});

test('ingest stores a multi-chunk stream under its sha256 and every reader sees it', async (t) => {
  const { store, layout } = await openStore(t);
  const expected = createHash('sha256');
  for await (const c of chunks(40, 100_000)) expected.update(c);
  const digest: Digest = `sha256:${expected.digest('hex')}`;
  const info = await store.ingest(Readable.from(chunks(40, 100_000)), { expected: digest });
  assert.deepEqual(info, { digest, size: 4_000_000 });
  assert.deepEqual(await store.info(digest), info);
  assert.equal(fs.statSync(layout.blob(digest)).size, 4_000_000);
  assert.equal((await store.readBytes(digest)).length, 4_000_000);
  let streamed = 0;
  for await (const c of store.readStream(digest)) streamed += (c as Buffer).length;
  assert.equal(streamed, 4_000_000);
  assert.deepEqual(ingestFiles(layout), []);
});

test('a digest mismatch fails with WHARF_DIGEST_MISMATCH and leaves nothing visible', async (t) => {
  const { store, layout } = await openStore(t);
  const wrong = sha('something else');
  await assert.rejects(store.ingest(Readable.from([Buffer.from('hello')]), { expected: wrong }), {
    kind: 'InvalidArgument',
    code: 'WHARF_DIGEST_MISMATCH',
  });
  assert.equal(await store.info(sha('hello')), undefined);
  assert.equal(await store.info(wrong), undefined);
  assert.deepEqual(ingestFiles(layout), []);
  // An existing blob does not excuse a bad input either.
  await store.put('hello');
  await assert.rejects(store.put('hello', wrong), { code: 'WHARF_DIGEST_MISMATCH' });
});

test('maxSize: exactly the limit is accepted, one byte more is TooLarge and cleaned up', async (t) => {
  const { store, layout } = await openStore(t);
  const ok = await store.ingest(Readable.from(chunks(4, 1000)), { maxSize: 4000 });
  assert.equal(ok.size, 4000);
  await assert.rejects(store.ingest(Readable.from(chunks(5, 1000)), { maxSize: 4999 }), {
    kind: 'TooLarge',
    code: 'WHARF_BLOB_TOO_LARGE',
  });
  assert.deepEqual(ingestFiles(layout), []);
  assert.equal([...fs.readdirSync(layout.blobsDir)].length, 1);
});

test('an aborted ingest rejects with the abort reason and removes its ingest file', async (t) => {
  const { store, layout } = await openStore(t);
  const controller = new AbortController();
  async function* endless(): AsyncGenerator<Buffer> {
    for (let i = 0; ; i++) {
      if (i === 3) controller.abort();
      yield Buffer.alloc(1000, 1);
      await new Promise((r) => setImmediate(r));
    }
  }
  await assert.rejects(store.ingest(Readable.from(endless()), { signal: controller.signal }), { name: 'AbortError' });
  assert.deepEqual(ingestFiles(layout), []);
  assert.deepEqual(fs.readdirSync(layout.blobsDir), []);
  await assert.rejects(store.ingest(Readable.from(['x']), { signal: AbortSignal.abort() }), { name: 'AbortError' });
  assert.deepEqual(ingestFiles(layout), []);
});

test('a failing source rejects and leaves no ingest file', async (t) => {
  const { store, layout } = await openStore(t);
  async function* broken(): AsyncGenerator<Buffer> {
    yield Buffer.from('part');
    throw new Error('connection reset');
  }
  await assert.rejects(store.ingest(Readable.from(broken())), /connection reset/);
  assert.deepEqual(ingestFiles(layout), []);
  assert.deepEqual(fs.readdirSync(layout.blobsDir), []);
});

test('concurrent ingests of the same content all succeed with one blob', async (t) => {
  const { store, layout } = await openStore(t);
  const data = Buffer.alloc(300_000, 7);
  const results = await Promise.all(
    Array.from({ length: 8 }, () => store.ingest(Readable.from([data.subarray(0, 100_000), data.subarray(100_000)]))),
  );
  for (const r of results) assert.deepEqual(r, { digest: sha(data), size: data.length });
  assert.deepEqual(fs.readdirSync(layout.blobsDir), [sha(data).slice(7)]);
  assert.deepEqual(ingestFiles(layout), []);
  assert.deepEqual(await store.readBytes(sha(data)), data);
});

test('put stores strings and buffers; an empty blob is a blob', async (t) => {
  const { store } = await openStore(t);
  assert.deepEqual(await store.put('{"a":1}'), { digest: sha('{"a":1}'), size: 7 });
  assert.deepEqual(await store.put(Buffer.from('xyz'), sha('xyz')), { digest: sha('xyz'), size: 3 });
  assert.deepEqual(await store.put(''), { digest: sha(''), size: 0 });
  assert.equal(await text(store.readStream(sha('{"a":1}'))), '{"a":1}');
});

test('unknown digests: readBytes and readStream throw NotFound, info is undefined, delete is a no-op', async (t) => {
  const { store } = await openStore(t);
  const absent = sha('absent');
  await assert.rejects(store.readBytes(absent), { kind: 'NotFound', code: 'WHARF_NO_SUCH_BLOB' });
  assert.throws(() => store.readStream(absent), { kind: 'NotFound', code: 'WHARF_NO_SUCH_BLOB' });
  assert.equal(await store.info(absent), undefined);
  await store.delete(absent);
});

test('malformed digests are refused everywhere before touching the filesystem', async (t) => {
  const { store } = await openStore(t);
  const bad = ['sha256:../../etc/passwd', `sha256:${'A'.repeat(64)}`, 'sha512:abc', ''] as Digest[];
  for (const d of bad) {
    await assert.rejects(store.info(d), { code: 'WHARF_INVALID_DIGEST' });
    await assert.rejects(store.readBytes(d), { code: 'WHARF_INVALID_DIGEST' });
    assert.throws(() => store.readStream(d), { code: 'WHARF_INVALID_DIGEST' });
    await assert.rejects(store.delete(d), { code: 'WHARF_INVALID_DIGEST' });
    await assert.rejects(store.ingest(Readable.from(['x']), { expected: d }), { code: 'WHARF_INVALID_DIGEST' });
  }
});

test('list yields every committed blob and ignores foreign files; delete removes a blob', async (t) => {
  const { store, layout } = await openStore(t);
  await store.put('a');
  await store.put('bb');
  fs.writeFileSync(path.join(layout.blobsDir, 'not-a-digest'), 'x');
  const listed: { digest: Digest; size: number }[] = [];
  for await (const info of store.list()) listed.push(info);
  listed.sort((x, y) => x.size - y.size);
  assert.deepEqual(listed, [
    { digest: sha('a'), size: 1 },
    { digest: sha('bb'), size: 2 },
  ]);
  await store.delete(sha('a'));
  assert.equal(await store.info(sha('a')), undefined);
  assert.ok(await store.info(sha('bb')));
});
