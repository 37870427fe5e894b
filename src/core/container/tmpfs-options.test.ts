import test from 'node:test';
import assert from 'node:assert/strict';
import { mergeTmpfsOptions, tmpfsSizeOption } from './tmpfs-options.js';
import { parseRamSize } from './log-config.js';

test('mergeTmpfsOptions keeps the last option of each group, as moby MergeTmpfsOptions', () => {
  assert.deepEqual(mergeTmpfsOptions(['noexec', 'nosuid', 'nodev', 'rprivate', 'exec', 'size=1m', 'size=2m']), [
    'nosuid', 'nodev', 'rprivate', 'exec', 'size=2m',
  ]);
  assert.deepEqual(mergeTmpfsOptions(['rw', 'ro', 'defaults', 'mode=1777', 'shared']), ['ro', 'mode=1777', 'shared']);
  assert.deepEqual(mergeTmpfsOptions([]), []);
});

test('mergeTmpfsOptions refuses unknown options with Docker\'s wording', () => {
  assert.throws(() => mergeTmpfsOptions(['foo']), { message: 'invalid tmpfs option ["foo"]' });
  assert.throws(() => mergeTmpfsOptions(['uid']), { message: 'invalid tmpfs option ["uid"]' });
  assert.throws(() => mergeTmpfsOptions(['x=1=2']), { message: 'invalid tmpfs option ["x" "1=2"]' });
});

test('tmpfsSizeOption picks the largest exact unit', () => {
  assert.equal(tmpfsSizeOption(1 << 30), 'size=1g');
  assert.equal(tmpfsSizeOption(64 << 20), 'size=64m');
  assert.equal(tmpfsSizeOption(3 << 10), 'size=3k');
  assert.equal(tmpfsSizeOption(1000), 'size=1000');
});

test('parseRamSize reads go-units sizes (binary multiples)', () => {
  assert.equal(parseRamSize('10m'), 10 * 2 ** 20);
  assert.equal(parseRamSize('1.5g'), 1.5 * 2 ** 30);
  assert.equal(parseRamSize('2GiB'), 2 * 2 ** 30);
  assert.equal(parseRamSize('100'), 100);
  assert.equal(parseRamSize('12 kb'), 12 * 1024);
  assert.equal(parseRamSize('ten'), undefined);
  assert.equal(parseRamSize('-1'), undefined);
});
