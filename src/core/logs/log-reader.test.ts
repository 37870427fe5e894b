import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLog } from './log-reader.js';
import type { ReadLogOptions } from './log-reader.js';
import type { LogEntry, LogStream } from './log-entry.js';
import { formatLogRecord } from './log-record.js';
import { parseLogTime } from './log-time.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-logs-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** ts returns conmon's timestamp for second `s` (+ nanoseconds) of a fixed minute. */
const ts = (s: number, ns = 0): string => `2026-11-22T16:26:${String(s).padStart(2, '0')}.${String(ns).padStart(9, '0')}+00:00`;

function rec(s: number, stream: LogStream, text: string, partial = false): Buffer {
  return formatLogRecord({ stream, timestamp: ts(s), line: Buffer.from(text), partial });
}

async function collect(opts: ReadLogOptions): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of readLog(opts)) for (const e of batch) out.push(show(e));
  return out;
}

const show = (e: LogEntry): string => `${e.stream === 'stdout' ? 'o' : 'e'}${e.partial ? '~' : ''}:${e.line.toString()}`;

function writeLines(file: string, n: number, from = 0): void {
  const parts: Buffer[] = [];
  for (let i = from; i < from + n; i++) parts.push(rec(i % 60, i % 2 === 0 ? 'stdout' : 'stderr', `line ${i}`));
  fs.appendFileSync(file, Buffer.concat(parts));
}

test('readLog returns every entry in order with streams kept apart', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  writeLines(file, 5);
  assert.deepEqual(await collect({ path: file }), ['o:line 0', 'e:line 1', 'o:line 2', 'e:line 3', 'o:line 4']);
});

test('readLog of a missing or empty log returns nothing', async (t) => {
  const dir = tempDir(t);
  assert.deepEqual(await collect({ path: path.join(dir, 'none.log') }), []);
  fs.writeFileSync(path.join(dir, 'empty.log'), '');
  assert.deepEqual(await collect({ path: path.join(dir, 'empty.log'), tail: 3 }), []);
});

test('partial records are joined into their line; a trailing partial is passed on as partial', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  fs.writeFileSync(file, Buffer.concat([
    rec(1, 'stdout', 'hel', true), rec(1, 'stderr', 'E', false), rec(2, 'stdout', 'lo', true), rec(2, 'stdout', ' world'),
    rec(3, 'stdout', 'no end', true),
  ]));
  assert.deepEqual(await collect({ path: file }), ['e:E', 'o:hello world', 'o~:no end']);
  assert.deepEqual(await collect({ path: file, joinPartial: false }), ['o~:hel', 'e:E', 'o~:lo', 'o: world', 'o~:no end']);
  const joined: LogEntry[] = [];
  for await (const b of readLog({ path: file })) joined.push(...b);
  assert.equal(joined[1]?.timestamp, ts(1), 'a joined line carries the time of its first piece');
});

test('a joined line longer than maxLineBytes is passed on in pieces', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  fs.writeFileSync(file, Buffer.concat([rec(1, 'stdout', 'aaaa', true), rec(1, 'stdout', 'bbbb', true), rec(1, 'stdout', 'cc')]));
  assert.deepEqual(await collect({ path: file, maxLineBytes: 8 }), ['o~:aaaabbbb', 'o:cc']);
});

test('tail returns the last N lines, counting joined lines once', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  writeLines(file, 10);
  assert.deepEqual(await collect({ path: file, tail: 3 }), ['e:line 7', 'o:line 8', 'e:line 9']);
  assert.deepEqual(await collect({ path: file, tail: 0 }), []);
  assert.equal((await collect({ path: file, tail: 100 })).length, 10);
  assert.equal((await collect({ path: file, tail: -1 })).length, 10);
  fs.appendFileSync(file, Buffer.concat([rec(1, 'stdout', 'x', true), rec(1, 'stdout', 'y')]));
  assert.deepEqual(await collect({ path: file, tail: 2 }), ['e:line 9', 'o:xy']);
});

test('tail reads backwards across chunk boundaries and skips an unterminated last record', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  writeLines(file, 1000);
  fs.appendFileSync(file, `${ts(9)} stdout F being writ`);
  for (const chunkSize of [7, 64, 100, 4096]) {
    assert.deepEqual(await collect({ path: file, tail: 2, chunkSize }), ['o:line 998', 'e:line 999'], `chunk ${chunkSize}`);
    assert.equal((await collect({ path: file, tail: 500, chunkSize })).length, 500);
  }
});

test('tail and reading span rotated files, oldest first', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  writeLines(`${file}.2`, 3, 0);
  writeLines(`${file}.1`, 3, 3);
  writeLines(file, 3, 6);
  assert.deepEqual((await collect({ path: file })).map((s) => s.slice(2)), Array.from({ length: 9 }, (_, i) => `line ${i}`));
  assert.deepEqual(await collect({ path: file, tail: 5 }), ['o:line 4', 'e:line 5', 'o:line 6', 'e:line 7', 'o:line 8']);
  fs.rmSync(file);
  assert.deepEqual(await collect({ path: file, tail: 2 }), ['o:line 4', 'e:line 5'], 'the live file may be missing');
});

test('since and until select by time; until stops the read', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  writeLines(file, 10);
  const at = (s: number, ns = 0): NonNullable<ReturnType<typeof parseLogTime>> => parseLogTime(ts(s, ns)) ?? assert.fail('bad time');
  assert.deepEqual(await collect({ path: file, since: at(7) }), ['e:line 7', 'o:line 8', 'e:line 9']);
  assert.deepEqual(await collect({ path: file, since: at(7, 1) }), ['o:line 8', 'e:line 9'], 'nanoseconds count');
  assert.deepEqual(await collect({ path: file, until: at(1) }), ['o:line 0', 'e:line 1']);
  assert.deepEqual(await collect({ path: file, since: at(3), until: at(4) }), ['e:line 3', 'o:line 4']);
  assert.deepEqual(await collect({ path: file, tail: 2, since: at(5) }), ['o:line 8', 'e:line 9'], 'tail applies first');
});

test('malformed records are skipped and counted, an overlong one too', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  fs.writeFileSync(file, Buffer.concat([rec(1, 'stdout', 'a'), Buffer.from('garbage\n'), Buffer.alloc(300, 0x41), Buffer.from('\n'), rec(2, 'stderr', 'b')]));
  const stats = { malformed: 0 };
  assert.deepEqual(await collect({ path: file, stats, chunkSize: 64 }), ['o:a', 'e:b']);
  assert.equal(stats.malformed, 2);
});

test('follow delivers appended lines and ends after stop, reading what was left', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  writeLines(file, 1);
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const seen: string[] = [];
  const reading = (async () => {
    for await (const batch of readLog({ path: file, follow: true, stop: stopped, pollMs: 5000 })) {
      for (const e of batch) seen.push(show(e));
      if (seen.length === 2) {
        fs.appendFileSync(file, rec(3, 'stdout', 'last'));
        stop();
      }
    }
  })();
  await waitFor(() => seen.length === 1);
  fs.appendFileSync(file, rec(2, 'stderr', 'second'));
  await reading;
  assert.deepEqual(seen, ['o:line 0', 'e:second', 'o:last']);
});

test('follow survives rotation by rename (draining the old file) and truncation', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  writeLines(file, 2);
  const ac = new AbortController();
  t.after(() => ac.abort());
  const seen: string[] = [];
  const reading = (async () => {
    for await (const batch of readLog({ path: file, follow: true, signal: ac.signal, pollMs: 50 })) for (const e of batch) seen.push(show(e));
  })();
  await waitFor(() => seen.length === 2);
  // Rotation as LogRotation + conmon do it: rename away, the writer adds to the old file, then reopens a new one.
  const old = fs.openSync(file, 'a');
  fs.renameSync(file, `${file}.1`);
  fs.writeSync(old, rec(5, 'stdout', 'late in old'));
  fs.closeSync(old);
  fs.writeFileSync(file, rec(6, 'stdout', 'new file'));
  await waitFor(() => seen.length === 4);
  // conmon's own --log-size-max: a new file renamed over the path.
  fs.writeFileSync(`${file}.tmp`, rec(7, 'stderr', 'replaced'));
  fs.renameSync(`${file}.tmp`, file);
  await waitFor(() => seen.length === 5);
  // Truncation in place is seen when the file is found smaller than what was read.
  fs.truncateSync(file, 0);
  fs.appendFileSync(file, rec(8, 'stdout', 't'));
  await waitFor(() => seen.length === 6);
  fs.appendFileSync(file, rec(9, 'stdout', 'after truncate'));
  await waitFor(() => seen.length === 7);
  ac.abort();
  await reading;
  assert.deepEqual(seen, ['o:line 0', 'e:line 1', 'o:late in old', 'o:new file', 'e:replaced', 'o:t', 'o:after truncate']);
});

test('follow waits for a log that does not exist yet, and until ends it', async (t) => {
  const file = path.join(tempDir(t), 'ctr.log');
  const until = parseLogTime(new Date(Date.now() + 400).toISOString()) ?? assert.fail();
  const reading = collect({ path: file, follow: true, until, pollMs: 20 });
  await new Promise((r) => setTimeout(r, 100));
  fs.writeFileSync(file, rec(1, 'stdout', 'hi'));
  const started = Date.now();
  assert.deepEqual(await reading, ['o:hi']);
  assert.ok(Date.now() - started < 2000);
});

test('reading a large log is fast and its memory stays bounded', async (t) => {
  const file = path.join(tempDir(t), 'big.log');
  const line = rec(1, 'stdout', 'x'.repeat(60));
  const block = Buffer.concat(Array.from({ length: 16384 }, () => line));
  const fd = fs.openSync(file, 'w');
  let size = 0;
  while (size < 128 * 1024 * 1024) size += fs.writeSync(fd, block);
  fs.closeSync(fd);
  const before = process.memoryUsage().rss;
  const started = process.hrtime.bigint();
  let entries = 0;
  let bytes = 0;
  let peak = before;
  for await (const batch of readLog({ path: file })) {
    entries += batch.length;
    for (const e of batch) bytes += e.line.length;
    if (entries % 100_000 < batch.length) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  const mbps = size / 1e6 / secs;
  t.diagnostic(`${(size / 1e6).toFixed(0)} MB, ${entries} entries in ${secs.toFixed(2)} s = ${mbps.toFixed(0)} MB/s; rss +${((peak - before) / 1e6).toFixed(0)} MB`);
  assert.equal(entries, size / line.length);
  assert.equal(bytes, entries * 60);
  assert.ok(peak - before < 96 * 1024 * 1024, 'reading 128 MB must not hold it in memory');
  assert.ok(mbps > 110, `log reading must reach 10x Docker's 11 MB/s (got ${mbps.toFixed(0)} MB/s)`);
});

async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('without follow, lines appended while reading are not returned (tail 1 stays one line)', async (t) => {
  const file = path.join(tempDir(t), 'log');
  writeLines(file, 20);
  const seen: string[] = [];
  // A tiny chunk size makes the reader come back to the file several times, appending in between.
  for await (const batch of readLog({ path: file, chunkSize: 64 })) {
    seen.push(...batch.map(show));
    if (seen.length > 40) break; // a reader chasing the appends would never end
    writeLines(file, 1, 100 + seen.length);
  }
  assert.equal(seen.length, 20);
  const last: string[] = [];
  for await (const batch of readLog({ path: file, tail: 1, chunkSize: 64 })) {
    last.push(...batch.map(show));
    if (last.length > 40) break;
    writeLines(file, 1, 500 + last.length);
  }
  assert.equal(last.length, 1);
});
