import path from 'node:path';

// Go's path/filepath functions as docker's copy code uses them (Unix only), and moby/go-archive's path helpers
// (copy.go). Kept exact because `docker cp` semantics hang on trailing "/" and "/." of the paths.

/** CopyInfo is go-archive's CopyInfo: a copy source or destination, whether it exists and is a directory. */
export interface CopyInfo {
  readonly path: string;
  readonly exists: boolean;
  readonly isDir: boolean;
  /** A new name for the source's last path element inside the archive ("" for none). */
  readonly rebaseName: string;
}

/** goClean is Go's filepath.Clean: lexical cleaning, no trailing slash except for "/", "." for an empty result. */
export function goClean(p: string): string {
  if (p === '') return '.';
  let r = path.posix.normalize(p);
  if (r.length > 1 && r.endsWith('/')) r = r.slice(0, -1);
  return r;
}

/** goBase is Go's filepath.Base: the last element, trailing slashes ignored; "/" for the root, "." for "". */
export function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** goDir is Go's filepath.Dir: everything before the last element, cleaned. */
export function goDir(p: string): string {
  return goClean(p.slice(0, p.lastIndexOf('/') + 1));
}

/** goJoin is Go's filepath.Join: the non-empty elements joined by "/" and cleaned ("" when all are empty). */
export function goJoin(...elems: string[]): string {
  const parts = elems.filter((e) => e !== '');
  return parts.length === 0 ? '' : goClean(parts.join('/'));
}

/** goAbs is Go's filepath.Abs: the cleaned path, made absolute against the working directory. */
export function goAbs(p: string, cwd: string = process.cwd()): string {
  return p.startsWith('/') ? goClean(p) : goJoin(cwd, p);
}

/** hasTrailingPathSeparator tells whether p ends with "/". */
export function hasTrailingPathSeparator(p: string): boolean {
  return p.endsWith('/');
}

/** specifiesCurrentDir tells whether p's last element is "." (`dir/.`, `.`). */
export function specifiesCurrentDir(p: string): boolean {
  return goBase(p) === '.';
}

/** assertsDirectory tells whether p says it must be a directory: a trailing "/" or "/.". */
export function assertsDirectory(p: string): boolean {
  return hasTrailingPathSeparator(p) || specifiesCurrentDir(p);
}

/**
 * preserveTrailingDotOrSeparator is go-archive's PreserveTrailingDotOrSeparator: give a cleaned path back the
 * trailing "/." or "/" its original had, since they change what `cp` copies.
 */
export function preserveTrailingDotOrSeparator(cleaned: string, original: string): string {
  let out = cleaned;
  if (!specifiesCurrentDir(out) && specifiesCurrentDir(original)) {
    if (!hasTrailingPathSeparator(out)) out += '/';
    out += '.';
  }
  if (!hasTrailingPathSeparator(out) && hasTrailingPathSeparator(original)) out += '/';
  return out;
}

/** splitPathDirEntry is go-archive's SplitPathDirEntry: directory and base of the cleaned path, keeping a final ".". */
export function splitPathDirEntry(p: string): [dir: string, base: string] {
  let cleaned = goClean(p);
  if (specifiesCurrentDir(p)) cleaned += '/.';
  return [goDir(cleaned), goBase(cleaned)];
}

/**
 * getRebaseName is go-archive's GetRebaseName: after resolving a link, keep the requested path's trailing "/." or
 * "/" and, when the last element changed, the requested name to rename the archive's entries to.
 */
export function getRebaseName(requested: string, resolved: string): [path: string, rebaseName: string] {
  let out = resolved;
  if (specifiesCurrentDir(requested) && !specifiesCurrentDir(out)) out += '/.';
  if (hasTrailingPathSeparator(requested) && !hasTrailingPathSeparator(out)) out += '/';
  return [out, goBase(requested) !== goBase(out) ? goBase(requested) : ''];
}

/** resolveLocalPath is docker's: the absolute form of a local path, keeping its trailing "/." or "/". */
export function resolveLocalPath(local: string, cwd?: string): string {
  return preserveTrailingDotOrSeparator(goAbs(local, cwd), local);
}

/**
 * splitCpArg is docker's splitCpArg: `CONTAINER:PATH` or a local path. An absolute path, a path without ":" and
 * one whose part before ":" starts with "." (`./file:name.txt`) are local.
 */
export function splitCpArg(arg: string): { container: string; path: string } {
  if (arg.startsWith('/')) return { container: '', path: arg };
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return { container: '', path: arg };
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) };
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many levels of symbolic links',
  EEXIST: 'file exists',
  EISDIR: 'is a directory',
  ENOTEMPTY: 'directory not empty',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EXDEV: 'invalid cross-device link',
};

/** goPathError words a failed file operation as Go's *PathError does (`lstat /x: no such file or directory`). */
export function goPathError(op: string, p: string, err: unknown): string {
  const code = (err as { code?: unknown }).code;
  const text = typeof code === 'string' ? ERRNO_TEXT[code] : undefined;
  return `${op} ${p}: ${text ?? (err instanceof Error ? err.message : String(err))}`;
}
