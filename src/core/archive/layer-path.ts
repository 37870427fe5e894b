import { invalidArgument, type WharfError } from '../../common/errors.js';

/** unsafeLayer is the error for an entry that would reach outside the layer or through a symlink. */
export function unsafeLayer(entry: string, why: string): WharfError {
  return invalidArgument('WHARF_UNSAFE_LAYER', `unsafe layer entry ${JSON.stringify(entry)}: ${why}`);
}

/** invalidLayer is the error for a stream that is not a well-formed layer tar. */
export function invalidLayer(why: string, cause?: unknown): WharfError {
  return invalidArgument('WHARF_INVALID_LAYER', `invalid layer tar: ${why}`, cause);
}

/**
 * cleanEntryName returns a tar entry name as a clean layer-relative path (`a/b`, '' for the layer root): `.` and
 * empty components are dropped and `..` is resolved lexically. It throws WHARF_UNSAFE_LAYER for an absolute name,
 * a NUL byte, or a `..` that climbs above the root, since joining such a name to the target would escape it.
 */
export function cleanEntryName(name: string): string {
  if (name.startsWith('/')) throw unsafeLayer(name, 'absolute path');
  if (name.includes('\0')) throw unsafeLayer(name, 'NUL byte in name');
  // Fast path for the usual `dir/file` or `dir/` (tens of thousands per layer): no `.` components, no `//`.
  if (!name.includes('/.') && !name.includes('//') && !name.startsWith('.')) {
    return name.endsWith('/') ? name.slice(0, -1) : name;
  }
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..') parts.push(part);
    else if (parts.pop() === undefined) throw unsafeLayer(name, 'escapes the layer root with ..');
  }
  return parts.join('/');
}

/** parentOf returns the layer-relative parent of a clean path ('' for top-level names and the root). */
export function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash < 0 ? '' : rel.slice(0, slash);
}

/** WHITEOUT_PREFIX marks a deletion in an OCI/Docker layer: `.wh.<name>` deletes `<name>` of the layers below. */
export const WHITEOUT_PREFIX = '.wh.';
/** WHITEOUT_META_PREFIX marks AUFS metadata (`.wh..wh.plnk`, `.wh..wh.aufs`) that is never extracted. */
export const WHITEOUT_META_PREFIX = '.wh..wh.';
/** OPAQUE_MARKER makes its directory opaque: nothing of the layers below shows through it. */
export const OPAQUE_MARKER = '.wh..wh..opq';

/** EntryRole says what a clean entry path means in a layer: a plain entry, or one of the whiteout forms. */
export type EntryRole =
  | { readonly kind: 'plain' }
  | { readonly kind: 'whiteout'; readonly path: string }
  | { readonly kind: 'opaque'; readonly dir: string }
  | { readonly kind: 'skip' };

const PLAIN: EntryRole = { kind: 'plain' };

/**
 * roleOf classifies a clean entry path. `d/.wh.x` is a whiteout of `d/x`; `d/.wh..wh..opq` makes `d` opaque; any
 * other path with a `.wh..wh.` component is AUFS metadata and skipped (compat: moby pkg/archive skips these too).
 * A whiteout of `.` or `..` (`.wh..`, `.wh...`) or of nothing (`.wh.`) would remove the directory itself or climb
 * out of it, so it is WHARF_UNSAFE_LAYER.
 */
export function roleOf(rel: string, entryName: string): EntryRole {
  if (!rel.includes(WHITEOUT_PREFIX)) return PLAIN;
  const base = rel.slice(rel.lastIndexOf('/') + 1);
  if (base === OPAQUE_MARKER) return { kind: 'opaque', dir: parentOf(rel) };
  if (rel.split('/').some((part) => part.startsWith(WHITEOUT_META_PREFIX))) return { kind: 'skip' };
  if (!base.startsWith(WHITEOUT_PREFIX)) return PLAIN;
  const target = base.slice(WHITEOUT_PREFIX.length);
  if (target === '' || target === '.' || target === '..') throw unsafeLayer(entryName, 'whiteout of no file or of a directory itself');
  const parent = parentOf(rel);
  return { kind: 'whiteout', path: parent === '' ? target : `${parent}/${target}` };
}
