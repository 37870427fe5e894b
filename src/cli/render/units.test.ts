import test from 'node:test';
import assert from 'node:assert/strict';
import { bytesSize, humanDuration, humanSize, humanSizeWithPrecision, timeSince } from './units.js';

const KB = 1000;
const MB = 1000 * KB;
const GB = 1000 * MB;
const TB = 1000 * GB;
const PB = 1000 * TB;
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;
const PiB = 1024 * TiB;

// Expected values are go-units' own test table (size_test.go, duration_test.go).
test('humanSize matches go-units HumanSize', () => {
  assert.equal(humanSize(1000), '1kB');
  assert.equal(humanSize(1024), '1.024kB');
  assert.equal(humanSize(1000000), '1MB');
  assert.equal(humanSize(1048576), '1.049MB');
  assert.equal(humanSize(2 * MB), '2MB');
  assert.equal(humanSize(3.42 * GB), '3.42GB');
  assert.equal(humanSize(5.372 * TB), '5.372TB');
  assert.equal(humanSize(2.22 * PB), '2.22PB');
  assert.equal(humanSize(10000000000000 * PB), '1e+04YB');
  assert.equal(humanSize(0), '0B');
});

test('humanSizeWithPrecision(3) is what docker images prints', () => {
  assert.equal(humanSizeWithPrecision(4261550, 3), '4.26MB');
  assert.equal(humanSizeWithPrecision(1.2 * GB, 3), '1.2GB');
  assert.equal(humanSizeWithPrecision(0, 3), '0B');
  assert.equal(humanSizeWithPrecision(999, 3), '999B');
  assert.equal(humanSizeWithPrecision(123456789, 3), '123MB');
  // compat: Go's %.3g switches to exponent form at 3 digits: docker really prints "1e+03kB".
  assert.equal(humanSizeWithPrecision(999500, 3), '1e+03kB');
  // Ties round half to even on the exact value, as strconv does.
  assert.equal(humanSizeWithPrecision(1125000, 3), '1.12MB');
  assert.equal(humanSizeWithPrecision(1135000, 3), '1.14MB');
});

test('bytesSize matches go-units BytesSize', () => {
  assert.equal(bytesSize(1024), '1KiB');
  assert.equal(bytesSize(1024 * 1024), '1MiB');
  assert.equal(bytesSize(2 * MiB), '2MiB');
  assert.equal(bytesSize(3.42 * GiB), '3.42GiB');
  assert.equal(bytesSize(5.372 * TiB), '5.372TiB');
  assert.equal(bytesSize(2.22 * PiB), '2.22PiB');
  assert.equal(bytesSize(KiB * KiB * KiB * KiB * KiB * PiB), '1.049e+06YiB');
});

const s = 1000;
const min = 60 * s;
const hour = 60 * min;
const day = 24 * hour;
const week = 7 * day;
const month = 30 * day;
const year = 365 * day;

test('humanDuration matches go-units HumanDuration', () => {
  const cases: [number, string][] = [
    [450, 'Less than a second'], [1 * s, '1 second'], [45 * s, '45 seconds'], [59 * s, '59 seconds'],
    [60 * s, 'About a minute'], [3 * min, '3 minutes'], [35 * min + 40 * s, '35 minutes'], [59 * min, '59 minutes'],
    [hour, 'About an hour'], [hour + 29 * min, 'About an hour'], [hour + 31 * min, '2 hours'], [3 * hour + 29 * min, '3 hours'],
    [3 * hour + 31 * min, '4 hours'], [24 * hour, '24 hours'], [day + 12 * hour, '36 hours'], [2 * day, '2 days'],
    [7 * day, '7 days'], [13 * day + 5 * hour, '13 days'], [2 * week, '2 weeks'], [2 * week + 4 * day, '2 weeks'],
    [4 * week + 3 * day, '4 weeks'], [month, '4 weeks'], [month + 2 * week, '6 weeks'], [2 * month, '2 months'],
    [3 * month + week, '3 months'], [13 * month, '13 months'], [24 * month, '24 months'], [24 * month + 2 * week, '2 years'],
    [3 * year + 2 * month, '3 years'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms} ms`);
});

test('timeSince appends " ago" relative to now', () => {
  assert.equal(timeSince(1000, 1000 * 1000 + 2 * min), '2 minutes ago');
  assert.equal(timeSince(1000, 1000 * 1000), 'Less than a second ago');
});
