import type { Digest } from '../../common/digest.js';
import { formatReference, parseReference } from '../../common/reference.js';
import type { ImageRecord, LayerRecord, ReferenceEntry } from './image-store.js';
import { definedOnly, JsonChecker } from './json-check.js';
import { MAX_LAYERS } from './oci-validate.js';

// The on-disk forms of image records (images/<hex>.json) and of the reference table (references.json). Both are
// written whole with writeFileAtomic and read back through these checks, so a damaged file is reported, not trusted.

const MAX_RECORD_BYTES = 1 << 20;
const MAX_REFERENCES_BYTES = 64 << 20;

/** encodeImageRecord is the JSON stored for a record. */
export function encodeImageRecord(record: ImageRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** decodeImageRecord checks a stored record (InvalidArgument WHARF_INVALID_IMAGE_RECORD when damaged). */
export function decodeImageRecord(bytes: Buffer): ImageRecord {
  const c = new JsonChecker('WHARF_INVALID_IMAGE_RECORD', 'image record');
  const o = c.object(c.parse(bytes, MAX_RECORD_BYTES), '');
  const layers = c.array(o['layers'], 'layers', MAX_LAYERS).map((l, i): LayerRecord => {
    const lo = c.object(l, `layers[${i}]`);
    return {
      diffId: c.digest(lo['diffId'], `layers[${i}].diffId`),
      blob: c.digest(lo['blob'], `layers[${i}].blob`),
      mediaType: c.string(lo['mediaType'], `layers[${i}].mediaType`, 255),
      size: c.nonNegativeInt(lo['size'], `layers[${i}].size`),
    };
  });
  return definedOnly({
    id: c.digest(o['id'], 'id'),
    layers,
    manifestDigest: o['manifestDigest'] === undefined ? undefined : c.digest(o['manifestDigest'], 'manifestDigest'),
    parent: o['parent'] === undefined ? undefined : c.digest(o['parent'], 'parent'),
    addedAt: c.string(o['addedAt'], 'addedAt', 100),
  } satisfies ImageRecord);
}

/** encodeReferences is the JSON stored for the reference table, sorted for stable diffs. */
export function encodeReferences(entries: Iterable<ReferenceEntry>): string {
  const refs: Record<string, Digest> = {};
  const sorted = [...entries].map((e) => [formatReference(e.ref), e.imageId] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, id] of sorted) refs[name] = id;
  return `${JSON.stringify({ references: refs }, null, 2)}\n`;
}

/** decodeReferences reads the reference table; entries that do not parse are returned as warnings, not entries. */
export function decodeReferences(bytes: Buffer): { entries: ReferenceEntry[]; warnings: string[] } {
  const c = new JsonChecker('WHARF_INVALID_IMAGE_RECORD', 'references.json');
  const o = c.object(c.parse(bytes, MAX_REFERENCES_BYTES), '');
  const refs = c.object(o['references'] ?? {}, 'references');
  const entries: ReferenceEntry[] = [];
  const warnings: string[] = [];
  for (const [name, id] of Object.entries(refs)) {
    try {
      entries.push({ ref: parseReference(name), imageId: c.digest(id, name) });
    } catch (err) {
      warnings.push(`dropping reference ${JSON.stringify(name)}: ${(err as Error).message}`);
    }
  }
  return { entries, warnings };
}
