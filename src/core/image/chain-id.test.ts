import assert from 'node:assert/strict';
import test from 'node:test';
import type { Digest } from '../../common/digest.js';
import { chainId, chainIds, nextChainId } from './chain-id.js';

const A: Digest = 'sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4';
const B: Digest = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef';
const C: Digest = 'sha256:c6f988f4874bb0add23a778f753c65efe992244e148a1d2ec2a8b664fb66bbd1';
// Computed independently: printf '%s %s' "$A" "$B" | sha256sum, then with C.
const AB: Digest = 'sha256:71dec89dc33c1a1cd5f73cd1e0885ec74b73b03fb9d5a98fddb6486563565072';
const ABC: Digest = 'sha256:819091327327f5e14e0b2d72257b973a0dcee1bdc044a6f1543c0a808f600223';

test('chain ID of a single layer is its diff ID', () => {
  assert.equal(chainId([A]), A);
  assert.equal(nextChainId(undefined, A), A);
});

test('chain IDs follow the OCI formula sha256(parent + " " + diffId)', () => {
  assert.equal(chainId([A, B]), AB);
  assert.equal(chainId([A, B, C]), ABC);
  assert.deepEqual(chainIds([A, B, C]), [A, AB, ABC]);
  assert.equal(nextChainId(AB, C), ABC);
});

test('chain IDs depend on layer order', () => {
  assert.notEqual(chainId([B, A]), AB);
});

test('an image without layers has no chain ID', () => {
  assert.equal(chainId([]), undefined);
  assert.deepEqual(chainIds([]), []);
});
