import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import test from 'node:test';
import zlib from 'node:zlib';
import { WharfError } from '../../common/errors.js';
import { decompress, detectCompression, type Compression } from './decompress.js';

async function collect(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function chunks(b: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < b.length; i += size) parts.push(b.subarray(i, i + size));
  return Readable.from(parts);
}

// `printf 'hello zstd world\n%.0s' {1..50} | zstd` (850 bytes of text in a 38-byte frame).
const ZSTD_HELLO = Buffer.from('28b52ffd645202c500008868656c6c6f207a73746420776f726c640a01007d5235971b241c85', 'hex');
const HELLO = Buffer.from('hello zstd world\n'.repeat(50));

const limitError = (err: unknown): boolean => err instanceof WharfError && err.kind === 'TooLarge' && err.code === 'WHARF_DECOMPRESSION_LIMIT';

test('detectCompression reads magic bytes', () => {
  assert.equal(detectCompression(Buffer.from([0x1f, 0x8b, 8])), 'gzip');
  assert.equal(detectCompression(ZSTD_HELLO), 'zstd');
  assert.equal(detectCompression(Buffer.from('ustar')), 'none');
  assert.equal(detectCompression(Buffer.alloc(0)), 'none');
  assert.throws(() => detectCompression(Buffer.from('BZh91AY')), (e: unknown) => e instanceof WharfError && e.kind === 'NotImplemented' && e.code === 'WHARF_UNSUPPORTED_COMPRESSION');
  assert.throws(() => detectCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00])), /xz/);
});

test('decompress passes plain data through and reports the compression', async () => {
  const data = Buffer.from('x'.repeat(100_000));
  let seen: Compression | undefined;
  const out = await collect(decompress(chunks(data, 1000), { onCompression: (c) => (seen = c) }));
  assert.deepEqual(out, data);
  assert.equal(seen, 'none');
});

test('decompress handles tiny and empty inputs', async () => {
  assert.deepEqual(await collect(decompress(Readable.from([]))), Buffer.alloc(0));
  assert.deepEqual(await collect(decompress(Readable.from([Buffer.from('ab')]))), Buffer.from('ab'));
});

test('decompress gunzips, whatever the chunking', async () => {
  const data = Buffer.concat([Buffer.from('header'), createHash('sha512').update('seed').digest(), Buffer.alloc(300_000, 7)]);
  const gz = zlib.gzipSync(data);
  let seen: Compression | undefined;
  assert.deepEqual(await collect(decompress(chunks(gz, 1), { onCompression: (c) => (seen = c) })), data);
  assert.equal(seen, 'gzip');
  assert.deepEqual(await collect(decompress(chunks(gz, 100_000))), data);
});

test('decompress decodes zstd in small and large chunks', async () => {
  let seen: Compression | undefined;
  assert.deepEqual(await collect(decompress(chunks(ZSTD_HELLO, 1), { onCompression: (c) => (seen = c) })), HELLO);
  assert.equal(seen, 'zstd');
  assert.deepEqual(await collect(decompress(Readable.from([ZSTD_HELLO]))), HELLO);
  // Two concatenated frames decode to the concatenation.
  assert.deepEqual(await collect(decompress(Readable.from([Buffer.concat([ZSTD_HELLO, ZSTD_HELLO])]))), Buffer.concat([HELLO, HELLO]));
});

test('decompress rejects corrupt compressed data as InvalidArgument', async () => {
  const gz = zlib.gzipSync(Buffer.alloc(10_000, 1));
  const bad = (err: unknown): boolean => err instanceof WharfError && err.kind === 'InvalidArgument' && err.code === 'WHARF_INVALID_COMPRESSED_DATA';
  await assert.rejects(collect(decompress(Readable.from([gz.subarray(0, gz.length - 20)]))), bad);
  const garbled = Buffer.from(gz);
  garbled[20] = (garbled[20] ?? 0) ^ 0xff;
  garbled[21] = (garbled[21] ?? 0) ^ 0xff;
  await assert.rejects(collect(decompress(Readable.from([garbled]))), bad);
  await assert.rejects(collect(decompress(Readable.from([ZSTD_HELLO.subarray(0, 20)]))), bad);
});

test('decompress stops a gzip bomb at the ratio limit', async () => {
  const bomb = zlib.gzipSync(Buffer.alloc(64 << 20)); // 64 MiB of zeros in ~64 KiB
  const start = Date.now();
  await assert.rejects(collect(decompress(Readable.from([bomb]), { ratioFloor: 1 << 20, maxRatio: 100 })), limitError);
  assert.ok(Date.now() - start < 5000);
  // The same data passes when the limits allow it.
  const out = await collect(decompress(Readable.from([zlib.gzipSync(Buffer.alloc(1 << 20))]), { ratioFloor: 1 << 20, maxRatio: 100 }));
  assert.equal(out.length, 1 << 20);
});

test('decompress enforces the absolute cap, even on plain data', async () => {
  await assert.rejects(collect(decompress(chunks(Buffer.alloc(10_000), 1000), { maxBytes: 5000 })), limitError);
  await assert.rejects(collect(decompress(Readable.from([zlib.gzipSync(Buffer.alloc(10_000))]), { maxBytes: 5000, maxRatio: 1e9 })), limitError);
});

test('decompress refuses a zstd frame declaring a huge window before allocating it', async () => {
  // Frame header: magic, descriptor 0x00 (no single segment), window descriptor 0xA8 = 2^(10+21) = 2 GiB.
  const header = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8, 0x01, 0x00, 0x00]);
  await assert.rejects(collect(decompress(Readable.from([header]))), limitError);
});

test('decompress surfaces source errors', async () => {
  const source = new Readable({ read() {} });
  source.push(zlib.gzipSync(Buffer.alloc(1000)).subarray(0, 10));
  setImmediate(() => source.destroy(new Error('network gone')));
  await assert.rejects(collect(decompress(source)), /network gone/);
});

test('destroying the output stops reading the source', async () => {
  let pulled = 0;
  async function* endless(): AsyncGenerator<Buffer> {
    for (;;) {
      pulled++;
      yield Buffer.alloc(1024, 1);
    }
  }
  const out = decompress(endless());
  for await (const _ of out) {
    out.destroy();
    break;
  }
  const before = pulled;
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(pulled, before);
  assert.ok(pulled < 100);
});

test('decompress never destroys a source stream its caller owns', async () => {
  const source = chunks(Buffer.alloc(100_000, 1), 1000);
  await assert.rejects(collect(decompress(source, { maxBytes: 10 })), limitError);
  assert.equal(source.destroyed, false);
  // Corrupt data early in a stream that has not ended (an upload still in progress).
  const gz = new Readable({ read() {} });
  const garbled = zlib.gzipSync(Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251)));
  garbled.fill(0xff, 12, 40);
  gz.push(garbled);
  await assert.rejects(collect(decompress(gz)), (e: unknown) => e instanceof WharfError && e.code === 'WHARF_INVALID_COMPRESSED_DATA');
  assert.equal(gz.destroyed, false);
});
