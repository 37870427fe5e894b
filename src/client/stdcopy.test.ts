import assert from 'node:assert/strict';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { test } from 'node:test';
import { StdDemuxer, frame } from './stdcopy.js';

class Sink extends Writable {
  readonly chunks: Buffer[] = [];
  readonly #slow: boolean;
  constructor(opts: { slow?: boolean; highWaterMark?: number } = {}) {
    super({ highWaterMark: opts.highWaterMark ?? 16 * 1024 });
    this.#slow = opts.slow ?? false;
  }
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void): void {
    this.chunks.push(chunk);
    if (this.#slow) setImmediate(cb);
    else cb();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString();
  }
}

async function demux(chunks: Buffer[]): Promise<{ out: string; err: string }> {
  const out = new Sink();
  const err = new Sink();
  await pipeline(Readable.from(chunks), new StdDemuxer(out, err));
  return { out: out.text(), err: err.text() };
}

test('frames go to stdout and stderr by their stream type', async () => {
  const r = await demux([Buffer.concat([frame(1, 'out1 '), frame(2, 'err1 '), frame(1, 'out2'), frame(0, ' in')])]);
  assert.deepEqual(r, { out: 'out1 out2 in', err: 'err1 ' });
});

test('headers and payloads split across chunks at every byte are reassembled', async () => {
  const all = Buffer.concat([frame(1, 'hello'), frame(2, 'world'), frame(1, ''), frame(1, 'x'.repeat(70000))]);
  for (const step of [1, 3, 8, 9, 4096]) {
    const chunks: Buffer[] = [];
    for (let i = 0; i < all.length; i += step) chunks.push(all.subarray(i, i + step));
    const r = await demux(chunks);
    assert.equal(r.out, `hello${'x'.repeat(70000)}`, `step ${step}`);
    assert.equal(r.err, 'world');
  }
});

test('a system-error frame fails the stream with the daemon\'s text', async () => {
  await assert.rejects(demux([Buffer.concat([frame(1, 'a'), frame(3, 'boom')])]), /error from daemon in stream: boom/);
});

test('an unknown stream type is refused', async () => {
  await assert.rejects(demux([frame(7, 'zz')]), /Unrecognized input header: 7/);
});

test('a truncated last frame is dropped, as StdCopy stops at EOF', async () => {
  const f = frame(1, 'complete');
  const r = await demux([Buffer.concat([f, frame(1, 'partial').subarray(0, 10)])]);
  assert.equal(r.out, 'complete');
});

test('the destination\'s backpressure is respected and it is never ended', async () => {
  const out = new Sink({ slow: true, highWaterMark: 1 });
  const err = new PassThrough();
  let maxBuffered = 0;
  const origWrite = out.write.bind(out);
  out.write = ((chunk: Buffer) => {
    const ok = origWrite(chunk);
    maxBuffered = Math.max(maxBuffered, out.writableLength);
    return ok;
  }) as typeof out.write;
  const frames = Array.from({ length: 50 }, (_, i) => frame(1, `line ${i}\n`));
  await pipeline(Readable.from(frames), new StdDemuxer(out, err));
  assert.equal(out.writableEnded, false);
  // The demuxer waited for 'drain' after every refused write: never more than one frame queued.
  assert.ok(maxBuffered <= 8, `buffered ${maxBuffered}`);
  out.end();
  await new Promise((r) => out.once('finish', r));
  assert.equal(out.text().split('\n').length, 51);
});
