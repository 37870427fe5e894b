import { invalidArgument } from './errors.js';

/** Digest is a content digest in canonical form: `sha256:` followed by 64 lowercase hex characters. */
export type Digest = `sha256:${string}`;

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
const HEX64_RE = /^[a-f0-9]{64}$/;

/** isDigest tells whether s is a canonical sha256 digest; anything else (`sha256:../x` included) is not. */
export function isDigest(s: string): s is Digest {
  return DIGEST_RE.test(s);
}

/** parseDigest returns s as a Digest, or throws InvalidArgument. Every digest from outside passes through here. */
export function parseDigest(s: string): Digest {
  if (!isDigest(s)) throw invalidArgument('WHARF_INVALID_DIGEST', `invalid digest: ${JSON.stringify(s.slice(0, 100))}`);
  return s;
}

/** isFullId tells whether s is a full 64-hex object ID (without algorithm prefix). */
export function isFullId(s: string): boolean {
  return HEX64_RE.test(s);
}

/** hexOf returns the 64-hex part of a digest. */
export function hexOf(d: Digest): string {
  return d.slice(7);
}

/** shortId is the 12-character form Docker prints for IDs and digests. */
export function shortId(idOrDigest: string): string {
  return idOrDigest.replace(/^sha256:/, '').slice(0, 12);
}
