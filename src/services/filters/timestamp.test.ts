import test from 'node:test';
import assert from 'node:assert/strict';
import { parseGoDuration, parseTimestamp, parseUnixTimestamp } from './timestamp.js';

test('parseUnixTimestamp reads seconds and fractions into nanoseconds', () => {
  assert.equal(parseUnixTimestamp(''), undefined);
  assert.equal(parseUnixTimestamp('12'), 12_000_000_000n);
  assert.equal(parseUnixTimestamp('12.5'), 12_500_000_000n);
  assert.equal(parseUnixTimestamp('12.000000001'), 12_000_000_001n);
  assert.equal(parseUnixTimestamp('12.0000000019'), 12_000_000_001n);
  for (const bad of ['abc', '1.2.3', '10m', '1e9', ' 1']) assert.throws(() => parseUnixTimestamp(bad, 'since'), /invalid value for 'since'/, bad);
});

test('parseGoDuration reads Go durations', () => {
  assert.equal(parseGoDuration('10m'), 600_000);
  assert.equal(parseGoDuration('1h30m'), 5_400_000);
  assert.equal(parseGoDuration('1.5s'), 1500);
  assert.equal(parseGoDuration('-2s'), -2000);
  assert.equal(parseGoDuration('10'), undefined);
  assert.equal(parseGoDuration('m'), undefined);
});

test('parseTimestamp accepts durations, RFC 3339 and unix times', () => {
  const now = new Date('2024-05-01T12:00:00Z');
  assert.equal(parseTimestamp('10m', now).toISOString(), '2024-05-01T11:50:00.000Z');
  assert.equal(parseTimestamp('2024-01-02T03:04:05Z', now).toISOString(), '2024-01-02T03:04:05.000Z');
  assert.equal(parseTimestamp('2024-01-02T03:04:05.25+01:00', now).toISOString(), '2024-01-02T02:04:05.250Z');
  assert.equal(parseTimestamp('1700000000', now).getTime(), 1_700_000_000_000);
  assert.equal(parseTimestamp('0', now).getTime(), 0);
  assert.equal(parseTimestamp('2024-01-02', now).getTime(), new Date(2024, 0, 2).getTime());
  for (const bad of ['', 'yesterday', '2024-13-45Z', '2024-01-02T03:04:05Q']) {
    assert.throws(() => parseTimestamp(bad, now), /invalid value for 'until' filter/, bad);
  }
});
