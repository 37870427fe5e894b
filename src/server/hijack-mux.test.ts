import test from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { decodeFrames, encodeFrames, frameHeader, streamWriter } from './hijack-mux.js';

test('frameHeader is the stream byte, three zeros and a big-endian length', () => {
  assert.deepEqual([...frameHeader(1, 5)], [1, 0, 0, 0, 0, 0, 0, 5]);
  assert.deepEqual([...frameHeader(2, 0x01020304)], [2, 0, 0, 0, 1, 2, 3, 4]);
  assert.throws(() => frameHeader(1, -1), RangeError);
  assert.throws(() => frameHeader(1, 2 ** 32), RangeError);
});

test('encodeFrames splits large payloads and decodeFrames reads them back across chunk boundaries', () => {
  const big = Buffer.alloc((1 << 20) + 3, 7);
  const parts = [...encodeFrames(1, Buffer.from('hello')), ...encodeFrames(2, big), ...encodeFrames(1, Buffer.alloc(0))];
  assert.equal(parts.length, 6, 'an empty payload gives no frame; 1 MiB + 3 gives two');
  const all = Buffer.concat(parts);
  let rest = Buffer.alloc(0);
  const frames: { stream: number; payload: Buffer }[] = [];
  for (let at = 0; at < all.length; at += 1000) {
    const r = decodeFrames(Buffer.concat([rest, all.subarray(at, at + 1000)]));
    frames.push(...r.frames.map((f) => ({ stream: f.stream, payload: Buffer.from(f.payload) })));
    rest = Buffer.from(r.rest);
  }
  assert.equal(rest.length, 0);
  assert.deepEqual(frames.map((f) => [f.stream, f.payload.length]), [[1, 5], [2, 1 << 20], [2, 3]]);
  assert.equal(frames[0]?.payload.toString(), 'hello');
});

test('streamWriter frames per stream, writes raw without one, and never ends the connection', async () => {
  const conn = new PassThrough();
  const chunks: Buffer[] = [];
  conn.on('data', (c: Buffer) => chunks.push(c));
  const out = streamWriter(conn, 1);
  const err = streamWriter(conn, 2);
  const raw = streamWriter(conn);
  await new Promise<void>((r) => out.write('a', () => r()));
  await new Promise<void>((r) => err.write('bc', () => r()));
  await new Promise<void>((r) => raw.end('tty', () => r()));
  out.end();
  assert.equal(conn.writableEnded, false);
  const { frames, rest } = decodeFrames(Buffer.concat(chunks).subarray(0, 8 + 1 + 8 + 2));
  assert.deepEqual(frames.map((f) => [f.stream, f.payload.toString()]), [[1, 'a'], [2, 'bc']]);
  assert.equal(rest.length, 0);
  assert.equal(Buffer.concat(chunks).subarray(19).toString(), 'tty');
});

test('streamWriter fails writes once the connection is gone', async () => {
  const conn = new PassThrough();
  conn.destroy();
  const w = streamWriter(conn, 1);
  const err = await new Promise<Error | null | undefined>((r) => {
    w.on('error', () => undefined);
    w.write('x', (e) => r(e));
  });
  assert.ok(err instanceof Error);
});
