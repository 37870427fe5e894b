import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar, { type Header } from 'tar-stream';

/** TarHeader is a tar-stream header as pack() takes it (only the name is required). */
type TarHeader = Partial<Header> & Pick<Header, 'name'>;
import { WharfError } from '../../common/errors.js';
import { assertsDirectory, splitPathDirEntry, type CopyInfo } from './cp-paths.js';

// go-archive's PrepareArchiveCopy and RebaseArchiveEntries: how a tar of the source is renamed so that extracting
// it into a directory gives `cp`'s result (copy into an existing directory, or create the destination name).

/** CP_ERRORS are go-archive's copy errors, worded as docker prints them. */
export const CP_ERRORS = {
  notDirectory: 'not a directory',
  dirNotExists: 'no such directory',
  cannotCopyDir: 'cannot copy directory',
} as const;

function cpError(message: string): WharfError {
  return new WharfError('InvalidArgument', 'WHARF_CP_INVALID_COPY', message);
}

/**
 * rebaseArchiveEntries is go-archive's RebaseArchiveEntries: rewrite each entry's name (and a hard link's target),
 * replacing the first occurrence of `oldBase` with `newBase`. A root `/` old base means "prefix with newBase".
 */
export function rebaseArchiveEntries(src: Readable, oldBase: string, newBase: string): Readable {
  const from = oldBase === '/' ? '' : oldBase;
  const extract = tar.extract();
  const pack = tar.pack();
  extract.on('entry', (header, stream, next) => {
    // compat: Go's strings.Replace(name, old, new, 1), not a prefix match.
    const renamed: TarHeader = { ...header, name: header.name.replace(from, () => newBase) };
    if (header.type === 'link' && header.linkname) renamed.linkname = header.linkname.replace(from, () => newBase);
    pipeline(stream, pack.entry(renamed)).then(() => next(), next);
  });
  extract.on('finish', () => pack.finalize());
  const out = new PassThrough();
  pipeline(src, extract).catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))));
  pipeline(pack, out).catch(() => undefined);
  return out;
}

/**
 * prepareArchiveCopy is go-archive's PrepareArchiveCopy: given the source archive and what the destination is,
 * the directory to extract into and the (possibly renamed) archive:
 * - destination is an existing directory: extract into it as is;
 * - destination exists but the source is a directory: "cannot copy directory";
 * - otherwise the top entry is renamed to the destination's base name and extracted into its parent, except that
 *   a file cannot become a destination asserted to be a directory (`dir/`): "no such directory".
 */
export function prepareArchiveCopy(src: Readable, srcInfo: CopyInfo, dstInfo: CopyInfo): { dstDir: string; content: Readable } {
  const [dstDir, dstBase] = splitPathDirEntry(dstInfo.path);
  const [, srcBase] = splitPathDirEntry(srcInfo.path);
  const from = srcInfo.rebaseName !== '' ? srcInfo.rebaseName : srcBase;
  if (dstInfo.exists && dstInfo.isDir) return { dstDir: dstInfo.path, content: src };
  if (dstInfo.exists && srcInfo.isDir) throw cpError(CP_ERRORS.cannotCopyDir);
  if (!dstInfo.exists && !srcInfo.isDir && assertsDirectory(dstInfo.path)) throw cpError(CP_ERRORS.dirNotExists);
  return { dstDir, content: rebaseArchiveEntries(src, from, dstBase) };
}
