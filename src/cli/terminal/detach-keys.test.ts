import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DETACH_KEYS, DetachKeyMatcher, parseDetachKeys } from './detach-keys.js';

test('parseDetachKeys reads moby/term key names', () => {
  assert.deepEqual([...parseDetachKeys('ctrl-p,ctrl-q')], [16, 17]);
  assert.deepEqual([...DEFAULT_DETACH_KEYS], [16, 17]);
  assert.deepEqual([...parseDetachKeys('ctrl-@,ctrl-a,ctrl-z,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_')], [0, 1, 26, 27, 28, 29, 30, 31]);
  assert.deepEqual([...parseDetachKeys('a,b,DEL')], [97, 98, 127]);
  assert.deepEqual([...parseDetachKeys('ctrl-x,x')], [24, 120]);
});

test('parseDetachKeys refuses unknown names with moby/term\'s message', () => {
  assert.throws(() => parseDetachKeys('ctrl-1'), /^Error: Unknown character: 'ctrl-1'$/);
  assert.throws(() => parseDetachKeys('ab'), /Unknown character: 'ab'/);
  assert.throws(() => parseDetachKeys(''), /Unknown character: ''/);
  assert.throws(() => parseDetachKeys('CTRL-P'), /Unknown character: 'CTRL-P'/);
});

function feedAll(m: DetachKeyMatcher, chunks: string[]): { data: string; detached: boolean } {
  let data = '';
  for (const c of chunks) {
    const r = m.feed(Buffer.from(c, 'latin1'));
    data += r.data.toString('latin1');
    if (r.detached) return { data, detached: true };
  }
  return { data, detached: false };
}

test('the sequence detaches and is not forwarded; bytes before it are', () => {
  assert.deepEqual(feedAll(new DetachKeyMatcher(DEFAULT_DETACH_KEYS), ['ls\r\x10\x11after']), { data: 'ls\r', detached: true });
});

test('a sequence split across chunks is held back until it completes', () => {
  const m = new DetachKeyMatcher(DEFAULT_DETACH_KEYS);
  const first = m.feed(Buffer.from('ab\x10'));
  assert.equal(first.data.toString(), 'ab');
  assert.equal(first.detached, false);
  const second = m.feed(Buffer.from('\x11'));
  assert.equal(second.detached, true);
  assert.equal(second.data.length, 0);
});

test('a broken sequence forwards the held bytes in order', () => {
  assert.deepEqual(feedAll(new DetachKeyMatcher(DEFAULT_DETACH_KEYS), ['\x10', 'x']), { data: '\x10x', detached: false });
  assert.deepEqual(feedAll(new DetachKeyMatcher(parseDetachKeys('a,b,c')), ['ab', 'd']), { data: 'abd', detached: false });
});

test('the byte that breaks a partial match may start a new one', () => {
  assert.deepEqual(feedAll(new DetachKeyMatcher(DEFAULT_DETACH_KEYS), ['\x10\x10\x11']), { data: '\x10', detached: true });
});

test('a single-key sequence detaches at once', () => {
  assert.deepEqual(feedAll(new DetachKeyMatcher(parseDetachKeys('ctrl-x')), ['ab\x18cd']), { data: 'ab', detached: true });
});
