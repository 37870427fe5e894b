import test from 'node:test';
import assert from 'node:assert/strict';
import { ellipsis } from './ellipsis.js';

test('ellipsis is docker formatter.Ellipsis', () => {
  assert.equal(ellipsis('abcdefg', 5), 'abcd…');
  assert.equal(ellipsis('abc', 5), 'abc');
  assert.equal(ellipsis('abc', 1), 'a');
  assert.equal(ellipsis('abc', 0), '');
  assert.equal(ellipsis('日本語テキスト', 5), '日本…');
});
