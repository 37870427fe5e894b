import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { WharfError } from '../../common/errors.js';
import type { SpecialFileOps } from './special-file-ops.js';
import { unpackLayer } from './unpack.js';
import { recordingOps } from './testing/recording-ops.js';
import { END_OF_ARCHIVE, padded, paxRecord, rawHeader, streamOf, tarOf } from './testing/tar-fixture.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-unpack-stream-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function emptyTarget(t: { after(fn: () => void): void }): string {
  const dir = path.join(tempDir(t), 'fs');
  fs.mkdirSync(dir);
  return dir;
}

/** workerOps writes a SpecialFileOps module the unpack worker can import; calls become files and log lines. */
function workerOps(t: { after(fn: () => void): void }): { ops: SpecialFileOps; log: string } {
  const dir = tempDir(t);
  const log = path.join(dir, 'ops.log');
  const file = path.join(dir, 'fake-ops.mjs');
  fs.writeFileSync(
    file,
    `import fs from 'node:fs';
     export const specialFileOps = {
       mknod(p, mode, major, minor) { fs.writeFileSync(p, 'mknod ' + mode.toString(8) + ' ' + major + ':' + minor, { flag: 'wx' }); },
       lsetxattr(p, name, value) { fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify([p, name, value.toString('hex')]) + '\\n'); },
       syncfs() {},
     };`,
  );
  return { ops: { ...recordingOps(), moduleUrl: pathToFileURL(file).href }, log };
}

const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function layerTar(): Promise<Buffer> {
  const big = Buffer.alloc(6 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = i % 251;
  return tarOf([
    { name: 'big', data: big },
    ...Array.from({ length: 300 }, (_, i) => ({ name: `d${i % 10}/f${i}`, data: `file ${i}` })),
    { name: 'etc/.wh.motd', data: '' },
    { name: 'var/.wh..wh..opq', data: '' },
  ]);
}

test('worker thread: a multi-megabyte layer unpacks through the worker, special files via the named module', async (t) => {
  const { ops, log } = workerOps(t);
  const dir = emptyTarget(t);
  const pax = paxRecord('SCHILY.xattr.user.bin', Buffer.from([0x80, 0xff, 0]));
  const xattrEntry = Buffer.concat([rawHeader('PaxHeaders/x', 'x', pax.length), padded(pax), rawHeader('x', '0', 0)]);
  const tar = Buffer.concat([xattrEntry, await layerTar()]);
  const result = await unpackLayer(streamOf(tar, 65536), dir, { ops });
  assert.equal(result.diffId, sha256(tar));
  assert.equal(result.entries, 304);
  assert.equal(fs.statSync(path.join(dir, 'big')).size, 6 * 1024 * 1024);
  assert.equal(fs.readFileSync(path.join(dir, 'd3/f123'), 'utf8'), 'file 123');
  assert.equal(fs.readFileSync(path.join(dir, 'etc/motd'), 'utf8'), 'mknod 20000 0:0');
  assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as unknown), [
    [path.join(dir, 'x'), 'user.bin', '80ff00'],
    [path.join(dir, 'var'), 'trusted.overlay.opaque', '79'],
  ]);
});

test('worker thread: layer errors arrive as WharfErrors with their kind and code', async (t) => {
  const { ops } = workerOps(t);
  const unsafe = await tarOf([{ name: 'ok', data: 'x' }, { name: '../escape', data: 'y' }]);
  await assert.rejects(unpackLayer(streamOf(unsafe), emptyTarget(t), { ops }), (err: unknown) => {
    assert.ok(err instanceof WharfError);
    assert.equal(err.kind, 'InvalidArgument');
    assert.equal(err.code, 'WHARF_UNSAFE_LAYER');
    assert.match(err.message, /"\.\.\/escape"/);
    return true;
  });
  const tar = await layerTar();
  await assert.rejects(unpackLayer(streamOf(tar.subarray(0, 3_000_000)), emptyTarget(t), { ops }), {
    code: 'WHARF_INVALID_LAYER',
  });
});

test('worker thread: an early failure stops reading an endless source (no hang) and destroys it', async (t) => {
  const { ops } = workerOps(t);
  const bad = await tarOf([{ name: '/abs', data: 'x' }]);
  let reads = 0;
  const endless = new Readable({
    read() {
      reads++;
      this.push(reads === 1 ? bad.subarray(0, 1024) : Buffer.alloc(512 * 1024));
    },
  });
  await assert.rejects(unpackLayer(endless, emptyTarget(t), { ops }), { code: 'WHARF_UNSAFE_LAYER' });
  assert.ok(endless.destroyed);
});

test('worker thread: aborting mid-stream rejects with the reason; a module without specialFileOps fails', async (t) => {
  const { ops } = workerOps(t);
  const controller = new AbortController();
  const tar = await layerTar();
  async function* slow(): AsyncGenerator<Buffer> {
    yield tar.subarray(0, 1 << 20);
    controller.abort(new Error('client went away'));
    await new Promise((r) => setTimeout(r, 50));
    yield tar.subarray(1 << 20);
  }
  await assert.rejects(unpackLayer(Readable.from(slow()), emptyTarget(t), { ops, signal: controller.signal }), {
    message: 'client went away',
  });
  const unread = streamOf(tar);
  await assert.rejects(unpackLayer(unread, emptyTarget(t), { ops, signal: AbortSignal.abort() }), {
    name: 'AbortError',
  });
  assert.ok(unread.destroyed, 'the source is destroyed on every failure');
  const noOps = { ...ops, moduleUrl: 'data:text/javascript,export const nothing = 1;' };
  await assert.rejects(unpackLayer(streamOf(tar), emptyTarget(t), { ops: noOps }), {
    kind: 'Internal',
    code: 'WHARF_UNPACK_FAILED',
    message: /does not export specialFileOps/,
  });
});

test('a failing source rejects with its own error, on either thread', async (t) => {
  const tar = await tarOf([{ name: 'a', data: Buffer.alloc(100_000) }]);
  for (const ops of [recordingOps(), workerOps(t).ops]) {
    async function* broken(): AsyncGenerator<Buffer> {
      yield tar.subarray(0, 10_000);
      throw new Error('connection reset by peer');
    }
    await assert.rejects(unpackLayer(Readable.from(broken()), emptyTarget(t), { ops }), (err: Error & { code?: unknown }) => {
      assert.equal(err.message, 'connection reset by peer', 'not wrapped as an invalid layer');
      assert.equal(err.code, undefined);
      return true;
    });
  }
});

test('aborting an inline unpack rejects with the reason', async (t) => {
  const controller = new AbortController();
  const tar = await tarOf([{ name: 'a', data: Buffer.alloc(100_000) }]);
  async function* slow(): AsyncGenerator<Buffer> {
    yield tar.subarray(0, 1000);
    controller.abort(new Error('stop'));
    await new Promise((r) => setTimeout(r, 20));
    yield tar.subarray(1000);
  }
  const ops = recordingOps();
  await assert.rejects(unpackLayer(Readable.from(slow()), emptyTarget(t), { ops, signal: controller.signal }), {
    message: 'stop',
  });
});

test('not a tar: truncation, garbage, gzip, oversized entries and bad types are WHARF_INVALID_LAYER', async (t) => {
  const tar = await tarOf([{ name: 'file', data: Buffer.alloc(10_000, 1) }, { name: 'next', data: 'n' }]);
  const oversized = Buffer.concat([rawHeader('big', '0', 1_000_000), Buffer.alloc(4096, 1)]);
  const cases: [string, Buffer][] = [
    ['truncated inside file data', tar.subarray(0, 5000)],
    ['truncated inside a header', tar.subarray(0, 512 + 10_240 + 100)],
    ['garbage', Buffer.from('this is not a tar file at all; '.repeat(40))],
    ['gzip-compressed tar', gzipSync(tar)],
    ['entry larger than the stream', oversized],
    ['unsupported entry type (volume label)', Buffer.concat([rawHeader('label', 'V', 0), END_OF_ARCHIVE])],
    ['malformed PAX header', Buffer.concat([rawHeader('p', 'x', 12), padded(Buffer.from('99 path=abc\n')), rawHeader('f', '0', 0), END_OF_ARCHIVE])],
  ];
  for (const [why, bytes] of cases) {
    await assert.rejects(unpackLayer(streamOf(bytes, 1000), emptyTarget(t), { ops: recordingOps() }), { code: 'WHARF_INVALID_LAYER' }, why);
  }
});

test('an empty stream and a bare end-of-archive are empty layers', async (t) => {
  for (const bytes of [Buffer.alloc(0), END_OF_ARCHIVE]) {
    const dir = emptyTarget(t);
    const r = await unpackLayer(streamOf(bytes), dir, { ops: recordingOps() });
    assert.deepEqual(r, { diffId: sha256(bytes), size: 0, entries: 0 });
    assert.deepEqual(fs.readdirSync(dir), []);
  }
});

test('a directory entry that claims a size settles instead of hanging', async (t) => {
  const bytes = Buffer.concat([rawHeader('d/', '5', 1024, 0o755), Buffer.alloc(1024), rawHeader('d/f', '0', 0), END_OF_ARCHIVE]);
  const outcome = unpackLayer(streamOf(bytes), emptyTarget(t), { ops: recordingOps() }).then(
    () => 'resolved',
    (err: Error) => err.message,
  );
  const timeout = new Promise((resolve) => setTimeout(() => resolve('hung'), 2000).unref());
  assert.notEqual(await Promise.race([outcome, timeout]), 'hung');
});

test('worker threads are reused after clean jobs and layer errors, replaced after aborts', async (t) => {
  const { ops } = workerOps(t);
  const good = await tarOf([{ name: 'a', data: 'x' }]);
  const bad = await tarOf([{ name: '../a', data: 'x' }]);
  const midway = new AbortController();
  async function* abortedMidway(): AsyncGenerator<Buffer> {
    yield good.subarray(0, 512);
    midway.abort();
    await new Promise((r) => setTimeout(r, 20));
    yield good.subarray(512);
  }
  const sources: [() => Readable, AbortSignal | undefined][] = [
    [() => streamOf(good), undefined],
    [() => streamOf(bad), undefined],
    [() => streamOf(good), AbortSignal.abort()],
    [() => Readable.from(abortedMidway()), midway.signal],
    [() => streamOf(good), undefined],
    [() => streamOf(bad), undefined],
    [() => streamOf(good), undefined],
  ];
  const outcomes: string[] = [];
  for (const [source, signal] of sources) {
    const dir = emptyTarget(t);
    outcomes.push(
      await unpackLayer(source(), dir, { ops, ...(signal ? { signal } : {}) }).then(
        (r) => `ok ${r.entries} ${fs.readFileSync(path.join(dir, 'a'), 'utf8')}`,
        (err: Error & { code?: unknown }) => (typeof err.code === 'string' ? err.code : err.name),
      ),
    );
  }
  assert.deepEqual(outcomes, ['ok 1 x', 'WHARF_UNSAFE_LAYER', 'AbortError', 'AbortError', 'ok 1 x', 'WHARF_UNSAFE_LAYER', 'ok 1 x']);
});
