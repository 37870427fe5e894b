import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRuntimeId, isRuntimeId } from './runtime-id.js';

test('checkRuntimeId accepts Docker IDs and names of the safe alphabet', () => {
  const hex = 'a'.repeat(64);
  assert.equal(checkRuntimeId(hex), hex);
  for (const id of ['c1', 'A', 'web_1', 'web.1', 'web-1', 'x'.repeat(128)]) assert.equal(checkRuntimeId(id), id);
});

test('checkRuntimeId rejects anything that could escape a directory or look like a flag', () => {
  for (const id of ['', '.', '..', '../x', 'a/b', '-rf', '.hidden', 'a b', 'a\nb', 'é', 'x'.repeat(129), 'a\0']) {
    assert.throws(() => checkRuntimeId(id), { kind: 'InvalidArgument', code: 'WHARF_INVALID_RUNTIME_ID' }, JSON.stringify(id));
    assert.equal(isRuntimeId(id), false);
  }
});
