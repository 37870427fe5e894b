import type { ImageSummary } from '../../../client/engine-client.js';
import { familiarName, parseReference } from '../../../common/reference.js';
import { formatGoTimeString } from '../go-time.js';
import { marshalContext } from '../template/go-json.js';
import { humanSize, humanSizeWithPrecision, timeSince } from '../units.js';

/** IMAGE_HEADER maps image fields to table column titles (docker's newImageContext header). */
export const IMAGE_HEADER: Readonly<Record<string, string>> = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

/** truncateId is docker's stringid.TruncateID: drop an `algo:` prefix and keep 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':');
  const hex = colon >= 0 ? id.slice(colon + 1) : id;
  return hex.length > 12 ? hex.slice(0, 12) : hex;
}

/** ImageContext is one row of `wharf images` (docker's formatter imageContext); getters are the --format fields. */
export class ImageContext {
  readonly goTypeName = '*formatter.imageContext';
  readonly #img: ImageSummary;
  readonly #trunc: boolean;
  readonly #repo: string;
  readonly #tag: string;
  readonly #digest: string;
  readonly #now: number;

  constructor(img: ImageSummary, o: { trunc: boolean; repo: string; tag: string; digest: string; now: number }) {
    this.#img = img;
    this.#trunc = o.trunc;
    this.#repo = o.repo;
    this.#tag = o.tag;
    this.#digest = o.digest;
    this.#now = o.now;
  }

  get ID(): string {
    return this.#trunc ? truncateId(this.#img.Id) : this.#img.Id;
  }
  get Repository(): string {
    return this.#repo;
  }
  get Tag(): string {
    return this.#tag;
  }
  get Digest(): string {
    return this.#digest;
  }
  get CreatedSince(): string {
    // compat: time.Unix(0).IsZero() is false in Go, so docker prints "56 years ago" for Created 0.
    return timeSince(this.#img.Created, this.#now);
  }
  get CreatedAt(): string {
    return formatGoTimeString(this.#img.Created);
  }
  get Size(): string {
    return humanSizeWithPrecision(this.#img.Size, 3);
  }
  get Containers(): string {
    return this.#img.Containers === -1 ? 'N/A' : String(this.#img.Containers);
  }
  get VirtualSize(): string {
    return humanSize(this.#img.Size);
  }
  get SharedSize(): string {
    return this.#img.SharedSize === -1 ? 'N/A' : humanSize(this.#img.SharedSize);
  }
  get UniqueSize(): string {
    return this.#img.Size === -1 || this.#img.SharedSize === -1 ? 'N/A' : humanSize(this.#img.Size - this.#img.SharedSize);
  }
  marshalJSON(): string {
    return marshalContext(this);
  }
}

/** isDangling is docker's: no tags and no digests (or the legacy `<none>:<none>` pair). */
export function isDangling(img: ImageSummary): boolean {
  const tags = img.RepoTags ?? [];
  const digests = img.RepoDigests ?? [];
  if (tags.length === 0 && digests.length === 0) return true;
  return tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>';
}

function groupRefs(refs: readonly string[], pick: 'tag' | 'digest'): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const s of refs) {
    let ref;
    try {
      ref = parseReference(s);
    } catch {
      continue;
    }
    const value = pick === 'tag' ? ref.tag : ref.digest;
    if (value === undefined) continue;
    const name = familiarName(ref);
    out.set(name, [...(out.get(name) ?? []), value]);
  }
  return out;
}

/** ImageRowOptions select how images become rows. */
export interface ImageRowOptions {
  readonly trunc: boolean;
  /** --digests was given: a row per digest, and digest-only references get their own rows. */
  readonly showDigests: boolean;
  /** The format shows digests ({{.Digest}} or --digests). */
  readonly needDigest: boolean;
  readonly now: number;
}

/** imageRows expands images into table rows as docker's imageFormat does: a row per repository:tag (and digest). */
export function imageRows(images: readonly ImageSummary[], o: ImageRowOptions): ImageContext[] {
  const rows: ImageContext[] = [];
  const add = (img: ImageSummary, repo: string, tag: string, digest: string): void => {
    rows.push(new ImageContext(img, { trunc: o.trunc, repo, tag, digest, now: o.now }));
  };
  for (const img of images) {
    if (isDangling(img)) {
      add(img, '<none>', '<none>', '<none>');
      continue;
    }
    const tags = groupRefs(img.RepoTags ?? [], 'tag');
    const digests = groupRefs(img.RepoDigests ?? [], 'digest');
    for (const [repo, repoTags] of tags) {
      const ds = o.needDigest ? (digests.get(repo) ?? []) : [];
      digests.delete(repo);
      for (const tag of repoTags) {
        if (ds.length === 0) add(img, repo, tag, '<none>');
        for (const d of ds) add(img, repo, tag, d);
      }
    }
    for (const [repo, ds] of digests) {
      if (o.showDigests) for (const d of ds) add(img, repo, '<none>', d);
      else add(img, repo, '<none>', '');
    }
  }
  return rows;
}
