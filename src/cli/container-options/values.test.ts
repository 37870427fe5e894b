import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError, memSwapBytes, parseCpus, parseDuration, parseUint, ramInBytes } from './values.js';

test('ramInBytes reads docker sizes: binary units, optional b/ib, any case, one space', () => {
  const cases: [string, number][] = [
    ['0', 0], ['10', 10], ['10b', 10], ['10B', 10], ['64m', 67108864], ['64M', 67108864], ['64mb', 67108864], ['64MiB', 67108864],
    ['1k', 1024], ['1.5k', 1536], ['2g', 2147483648], ['1t', 1024 ** 4], ['1 k', 1024], ['0.5m', 524288], ['1e3', 1000],
  ];
  for (const [s, n] of cases) assert.equal(ramInBytes(s), n, s);
});

test('ramInBytes refuses what go-units refuses, with its words', () => {
  const cases: [string, string][] = [
    ['x', "invalid size: 'x'"], ['', "invalid size: ''"], ['1x', "invalid suffix: 'x'"], ['1kx', "invalid suffix: 'kx'"],
    ['1kib2', 'strconv.ParseFloat: parsing "1kib2": invalid syntax'], ['1kbb', "invalid suffix: 'kbb'"],
    ['-1', "invalid size: '-1'"], ['1..2', 'strconv.ParseFloat: parsing "1..2": invalid syntax'], ['1bb', "invalid suffix: 'bb'"],
  ];
  for (const [s, msg] of cases) assert.throws(() => ramInBytes(s), (e: unknown) => e instanceof ValueError && e.message === msg, s);
});

test('memSwapBytes allows -1 for unlimited swap', () => {
  assert.equal(memSwapBytes('-1'), -1);
  assert.equal(memSwapBytes('1g'), 1073741824);
  assert.throws(() => memSwapBytes('-2'), /invalid size: '-2'/);
});

test('parseCpus is exact: decimals, fractions, exponents', () => {
  assert.equal(parseCpus('0.5'), 500_000_000);
  assert.equal(parseCpus('1.5'), 1_500_000_000);
  assert.equal(parseCpus('2'), 2_000_000_000);
  assert.equal(parseCpus('1/4'), 250_000_000);
  assert.equal(parseCpus('1e-3'), 1_000_000);
  assert.equal(parseCpus('0.000000001'), 1);
  assert.throws(() => parseCpus('0.0000000001'), /^ValueError: value is too precise$/);
  assert.throws(() => parseCpus('1/3'), /value is too precise/);
  assert.throws(() => parseCpus('abc'), /failed to parse abc as a rational number/);
  assert.throws(() => parseCpus('1/0'), /failed to parse 1\/0 as a rational number/);
});

test('parseDuration is Go\'s time.ParseDuration in nanoseconds', () => {
  const cases: [string, number][] = [['0', 0], ['5s', 5e9], ['1.5s', 1.5e9], ['300ms', 3e8], ['1h30m', 5.4e12], ['1m10s', 7e10], ['2us', 2000], ['2µs', 2000], ['1ns', 1], ['-1s', -1e9]];
  for (const [s, n] of cases) assert.equal(parseDuration(s), n, s);
  const bad: [string, string][] = [['', 'time: invalid duration ""'], ['x', 'time: invalid duration "x"'], ['5', 'time: missing unit in duration "5"'], ['1y', 'time: unknown unit "y" in duration "1y"'], ['.s', 'time: invalid duration ".s"']];
  for (const [s, msg] of bad) assert.throws(() => parseDuration(s), (e: unknown) => e instanceof ValueError && e.message === msg, s);
});

test('parseUint checks syntax and range as strconv.ParseUint', () => {
  assert.equal(parseUint('65535', 16), 65535);
  assert.throws(() => parseUint('65536', 16), /strconv.ParseUint: parsing "65536": value out of range/);
  assert.throws(() => parseUint('-1', 16), /strconv.ParseUint: parsing "-1": invalid syntax/);
  assert.equal(parseUint('10', 64), 10);
});
