import test from 'node:test';
import assert from 'node:assert/strict';
import { hexOf, isDigest, isFullId, parseDigest, shortId } from './digest.js';

const HEX = 'ab'.repeat(32);

test('only canonical sha256 digests pass', () => {
  assert.equal(parseDigest(`sha256:${HEX}`), `sha256:${HEX}`);
  for (const bad of ['sha256:../x', `sha256:${HEX.toUpperCase()}`, `sha512:${HEX}`, HEX, `sha256:${HEX}\n`, `sha256:${HEX}/..`, '']) {
    assert.equal(isDigest(bad), false, bad);
    assert.throws(() => parseDigest(bad), /invalid digest/);
  }
});

test('ids and short forms', () => {
  assert.equal(isFullId(HEX), true);
  assert.equal(isFullId(HEX.slice(1)), false);
  assert.equal(hexOf(`sha256:${HEX}`), HEX);
  assert.equal(shortId(`sha256:${HEX}`), HEX.slice(0, 12));
});
