import { invalidArgument } from './errors.js';
import { isDigest, type Digest } from './digest.js';

/**
 * Reference is an image reference normalised as Docker normalises it: `busybox` is
 * `docker.io/library/busybox:latest`, `localhost:5000/a/b:tag` keeps its registry, and `name@sha256:...`
 * carries a digest (with or without a tag).
 */
export interface Reference {
  /** Registry host (with port), e.g. `docker.io` or `localhost:5000`. */
  readonly domain: string;
  /** Repository path inside the registry, e.g. `library/busybox`. */
  readonly path: string;
  readonly tag?: string;
  readonly digest?: Digest;
}

export const DEFAULT_DOMAIN = 'docker.io';
export const DEFAULT_TAG = 'latest';
const LEGACY_DOMAIN = 'index.docker.io';
const OFFICIAL_PREFIX = 'library/';

// The distribution reference grammar (github.com/distribution/reference, regexp.go), with the total name length
// limit of 255 characters.
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const NAME_RE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)$`);
const TAG_RE = new RegExp(`^${TAG}$`);
const NAME_TOTAL_LENGTH_MAX = 255;

function invalidRef(s: string, why = 'invalid reference format'): never {
  throw invalidArgument('WHARF_INVALID_REFERENCE', `${why}: ${JSON.stringify(s.slice(0, 300))}`);
}

/** splitDomain applies Docker's rule: the first component is a registry only if it has a dot or colon or is localhost. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  if (slash < 0 || (!first.includes('.') && !first.includes(':') && first !== 'localhost' && first.toLowerCase() === first)) {
    return { domain: DEFAULT_DOMAIN, path: name };
  }
  return { domain: first, path: name.slice(slash + 1) };
}

/** parseReference parses and normalises an image reference; it throws InvalidArgument on anything Docker rejects. */
export function parseReference(input: string): Reference {
  if (input.length === 0) invalidRef(input);
  let rest = input;
  let digest: Digest | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    const d = rest.slice(at + 1);
    if (!isDigest(d)) invalidRef(input);
    digest = d;
    rest = rest.slice(0, at);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    if (!TAG_RE.test(tag)) invalidRef(input);
    rest = rest.slice(0, colon);
  }
  if (rest.length > NAME_TOTAL_LENGTH_MAX) invalidRef(input, 'repository name must not be more than 255 characters');
  if (/^[a-f0-9]{64}$/.test(rest) && tag === undefined && digest === undefined) {
    invalidRef(input, 'invalid repository name (64-byte hexadecimal strings are reserved), cannot specify 64-byte hexadecimal strings');
  }
  let { domain, path } = splitDomain(rest);
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path;
  if (path !== path.toLowerCase()) invalidRef(input, `invalid reference format: repository name (${path}) must be lowercase`);
  if (!NAME_RE.test(`${domain}/${path}`)) invalidRef(input);
  const ref: { domain: string; path: string; tag?: string; digest?: Digest } = { domain, path };
  if (tag !== undefined) ref.tag = tag;
  if (digest !== undefined) ref.digest = digest;
  return ref;
}

/** withDefaultTag adds `:latest` to a reference that has neither tag nor digest, as Docker does for pull/tag/run. */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: DEFAULT_TAG } : ref;
}

/** repositoryName is the fully qualified repository name, e.g. `docker.io/library/busybox`. */
export function repositoryName(ref: Reference): string {
  return `${ref.domain}/${ref.path}`;
}

/** formatReference is the canonical full form, e.g. `docker.io/library/busybox:latest` or `...@sha256:...`. */
export function formatReference(ref: Reference): string {
  let s = repositoryName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** familiarName is the repository as Docker prints it: `busybox`, `myorg/tools`, `localhost:5000/a/b`. */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return repositoryName(ref);
  return ref.path.startsWith(OFFICIAL_PREFIX) ? ref.path.slice(OFFICIAL_PREFIX.length) : ref.path;
}

/** familiarString is the whole reference as Docker prints it: `busybox:latest`, `myorg/tools@sha256:...`. */
export function familiarString(ref: Reference): string {
  let s = familiarName(ref);
  if (ref.tag !== undefined) s += `:${ref.tag}`;
  if (ref.digest !== undefined) s += `@${ref.digest}`;
  return s;
}

/** validateTag checks a bare tag (as in `POST /images/{name}/tag?tag=`) against Docker's tag grammar. */
export function validateTag(tag: string): string {
  if (!TAG_RE.test(tag)) invalidRef(tag, 'invalid tag format');
  return tag;
}
