import test from 'node:test';
import assert from 'node:assert/strict';
import { isInvalidArgument } from '../../common/errors.js';
import { DEFAULT_DETACH_KEYS, DetachKeyScanner, parseDetachKeys } from './attach-keys.js';

test('parseDetachKeys reads moby/term notation', () => {
  assert.equal(parseDetachKeys(''), undefined);
  assert.deepEqual([...(parseDetachKeys('ctrl-p,ctrl-q') ?? [])], [16, 17]);
  assert.deepEqual([...(parseDetachKeys('ctrl-@,ctrl-a,ctrl-z,ctrl-[,ctrl-\\,ctrl-],ctrl-^,ctrl-_') ?? [])], [0, 1, 26, 27, 28, 29, 30, 31]);
  assert.deepEqual([...(parseDetachKeys('a,b,DEL') ?? [])], [97, 98, 127]);
});

test('parseDetachKeys refuses what moby refuses, in Docker\'s words', () => {
  for (const bad of ['ctrl-P', 'ctrl-pp', 'ctrl-', 'ab', 'é', 'ctrl-p,,ctrl-q', 'del', 'ctrl-1', ',', 'a,']) {
    assert.throws(() => parseDetachKeys(bad), (err: Error) => isInvalidArgument(err) && err.message === `Invalid detach keys (${bad}) provided`, bad);
  }
});

const scan = (s: DetachKeyScanner, bytes: number[]): { forward: number[]; detach: boolean } => {
  const r = s.scan(Uint8Array.from(bytes));
  return { forward: [...r.forward], detach: r.detach };
};

test('DetachKeyScanner swallows the default sequence and reports it', () => {
  const s = new DetachKeyScanner();
  assert.deepEqual(scan(s, [104, 105, 16, 17, 120]), { forward: [104, 105], detach: true });
});

test('DetachKeyScanner matches across chunks and holds the prefix back', () => {
  const s = new DetachKeyScanner();
  assert.deepEqual(scan(s, [97, 16]), { forward: [97], detach: false });
  assert.deepEqual([...s.pending()], [16]);
  assert.deepEqual(scan(s, [17]), { forward: [], detach: true });
});

test('DetachKeyScanner releases a broken prefix with the byte that broke it', () => {
  const s = new DetachKeyScanner();
  assert.deepEqual(scan(s, [16]), { forward: [], detach: false });
  assert.deepEqual(scan(s, [120, 121]), { forward: [16, 120, 121], detach: false });
  // compat: the byte after a broken prefix is not tried as a new start (moby's escape proxy).
  assert.deepEqual(scan(s, [16, 16, 17]), { forward: [16, 16, 17], detach: false });
});

test('DetachKeyScanner uses custom keys and falls back to the default for none', () => {
  const s = new DetachKeyScanner(Uint8Array.of(1, 2, 3));
  assert.deepEqual(scan(s, [1, 2, 4, 1, 2, 3]), { forward: [1, 2, 4], detach: true });
  const d = new DetachKeyScanner(new Uint8Array());
  assert.deepEqual(scan(d, [...DEFAULT_DETACH_KEYS]), { forward: [], detach: true });
});
