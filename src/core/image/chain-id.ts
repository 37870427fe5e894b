import { createHash } from 'node:crypto';
import type { Digest } from '../../common/digest.js';

/**
 * nextChainId extends a chain by one layer, per the OCI image spec (config.md, "Layer ChainID"):
 * `ChainID(L0) = DiffID(L0)` and `ChainID(L0|...|Ln) = sha256(ChainID(L0|...|Ln-1) + " " + DiffID(Ln))`.
 */
export function nextChainId(parent: Digest | undefined, diffId: Digest): Digest {
  if (parent === undefined) return diffId;
  return `sha256:${createHash('sha256').update(`${parent} ${diffId}`).digest('hex')}`;
}

/** chainIds returns the chain ID of every prefix of `diffIds`: element i names the stack of layers 0..i. */
export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  let parent: Digest | undefined;
  for (const diffId of diffIds) {
    parent = nextChainId(parent, diffId);
    out.push(parent);
  }
  return out;
}

/** chainId returns the chain ID of a whole stack of layers, or undefined for an image without layers. */
export function chainId(diffIds: readonly Digest[]): Digest | undefined {
  return chainIds(diffIds).at(-1);
}
