import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLogRecord, parseLogRecord, parseLogRecords, recordTag } from './log-record.js';
import { compareLogTime, entryBytes, logTimeFromDate } from './log-entry.js';
import { formatLogTime, formatLogTimeLocal, parseLogTime } from './log-time.js';

const TS = '2026-11-22T16:26:11.998627100+00:00';

function parse(text: string): ReturnType<typeof parseLogRecord> {
  const buf = Buffer.from(text, 'latin1');
  return parseLogRecord(buf, 0, buf.length);
}

test('parseLogRecord reads stream, tag, time and content as conmon writes them', () => {
  const e = parse(`${TS} stdout F hello world`);
  assert.equal(e?.stream, 'stdout');
  assert.equal(e?.timestamp, TS);
  assert.equal(e?.partial, false);
  assert.equal(e?.line.toString(), 'hello world');
  const p = parse(`${TS} stderr P no newline yet`);
  assert.equal(p?.stream, 'stderr');
  assert.equal(p?.partial, true);
  assert.equal(p?.line.toString(), 'no newline yet');
});

test('parseLogRecord keeps spaces, tabs, carriage returns and binary bytes of the content', () => {
  const e = parse(`${TS} stdout F  two  spaces\t\r`);
  assert.equal(e?.line.toString('latin1'), ' two  spaces\t\r');
  const bin = Buffer.concat([Buffer.from(`${TS} stdout F `), Buffer.from([0, 1, 0xff, 0x1b])]);
  assert.deepEqual(parseLogRecord(bin, 0, bin.length)?.line, Buffer.from([0, 1, 0xff, 0x1b]));
});

test('parseLogRecord accepts empty content with or without the separating space, and CRI extra tags', () => {
  assert.equal(parse(`${TS} stdout F `)?.line.length, 0);
  assert.equal(parse(`${TS} stdout F`)?.line.length, 0);
  assert.equal(parse(`${TS} stdout F:x:y data`)?.line.toString(), 'data');
});

test('parseLogRecord rejects malformed records', () => {
  for (const text of ['', 'x', TS, `${TS} `, `${TS} stdout`, `${TS} stdout `, `${TS} stdin F x`, `${TS} stdoutx F x`,
    `${TS} STDOUT F x`, `${TS} stdout X x`, `${TS} stdout FF x`, ` stdout F x`, `${TS} stdout  F x`]) {
    assert.equal(parse(text), undefined, JSON.stringify(text));
  }
});

test('parseLogRecord works on a window of a larger buffer', () => {
  const buf = Buffer.from(`junk${TS} stdout F abc\nmore`);
  const e = parseLogRecord(buf, 4, buf.indexOf('\n'));
  assert.equal(e?.line.toString(), 'abc');
});

test('recordTag classifies without building an entry', () => {
  const t = (s: string): string | undefined => recordTag(Buffer.from(s), 0, s.length);
  assert.equal(t(`${TS} stdout F x`), 'F');
  assert.equal(t(`${TS} stderr P x`), 'P');
  assert.equal(t(`${TS} stdout F`), 'F');
  assert.equal(t(`${TS} stdout Q x`), undefined);
  assert.equal(t(`${TS} other F x`), undefined);
  assert.equal(t('garbage'), undefined);
});

test('parseLogRecords parses complete records, counts malformed ones and leaves the incomplete tail', () => {
  const buf = Buffer.from(`${TS} stdout F a\nbad line\n${TS} stderr F b\n${TS} stdout P c`);
  const out: NonNullable<ReturnType<typeof parse>>[] = [];
  const stats = { malformed: 0 };
  const next = parseLogRecords(buf, 0, out, stats);
  assert.deepEqual(out.map((e) => [e.stream, e.line.toString()]), [['stdout', 'a'], ['stderr', 'b']]);
  assert.equal(stats.malformed, 1);
  assert.equal(buf.subarray(next).toString(), `${TS} stdout P c`);
});

test('formatLogRecord round-trips and entryBytes restores the original output', () => {
  const e = { stream: 'stderr' as const, timestamp: TS, line: Buffer.from('x y'), partial: false };
  const rec = formatLogRecord(e);
  assert.equal(rec.toString(), `${TS} stderr F x y\n`);
  const back = parseLogRecord(rec, 0, rec.length - 1);
  assert.deepEqual({ stream: back?.stream, timestamp: back?.timestamp, line: back?.line, partial: back?.partial }, e);
  assert.equal(entryBytes(e).toString(), 'x y\n');
  assert.equal(entryBytes({ ...e, partial: true }).toString(), 'x y');
});

test('parseLogTime reads conmon\'s layout and other RFC 3339 forms', () => {
  assert.deepEqual(parseLogTime(TS), { sec: Date.UTC(2026, 10, 22, 16, 26, 11) / 1000, nsec: 998627100 });
  assert.deepEqual(parseLogTime('2026-11-22T18:26:11.000000001+02:00'), { sec: Date.UTC(2026, 10, 22, 16, 26, 11) / 1000, nsec: 1 });
  assert.deepEqual(parseLogTime('2026-11-22T10:56:11.5-05:30'), { sec: Date.UTC(2026, 10, 22, 16, 26, 11) / 1000, nsec: 500000000 });
  assert.deepEqual(parseLogTime('2026-11-22T16:26:11Z'), { sec: Date.UTC(2026, 10, 22, 16, 26, 11) / 1000, nsec: 0 });
  assert.deepEqual(parseLogTime('1970-01-01T00:00:00.123456789Z'), { sec: 0, nsec: 123456789 });
});

test('parseLogTime rejects malformed times', () => {
  for (const ts of ['', 'now', '2026-11-22', '2026-11-22T16:26:11', '2026-13-22T16:26:11Z', '2026-11-22T25:26:11Z',
    '2026-11-22T16:26:11.1234567890Z', '2026-11-22T16:26:11.99862710a+00:00', '2026-11-22T16:26:11.998627100*00:00',
    '2026-11-22 16:26:11Z', '2026-11-22T16:26:11.998627100+0a:00']) {
    assert.equal(parseLogTime(ts), undefined, ts);
  }
});

test('formatLogTime renders Docker\'s fixed nanosecond UTC form', () => {
  const t = parseLogTime('2026-11-22T18:26:11.0001+02:00');
  assert.ok(t);
  assert.equal(formatLogTime(t), '2026-11-22T16:26:11.000100000Z');
  assert.equal(formatLogTimeLocal(t), '2026-11-22T16:26:11.000100000+00:00');
  assert.deepEqual(parseLogTime(formatLogTimeLocal(t)), t);
});

test('compareLogTime and logTimeFromDate order instants with nanosecond precision', () => {
  assert.ok(compareLogTime({ sec: 1, nsec: 5 }, { sec: 1, nsec: 6 }) < 0);
  assert.ok(compareLogTime({ sec: 2, nsec: 0 }, { sec: 1, nsec: 999999999 }) > 0);
  assert.equal(compareLogTime({ sec: 3, nsec: 3 }, { sec: 3, nsec: 3 }), 0);
  assert.deepEqual(logTimeFromDate(new Date(1500)), { sec: 1, nsec: 500000000 });
  assert.deepEqual(logTimeFromDate(new Date(-500)), { sec: -1, nsec: 500000000 });
});
