import fs from 'node:fs/promises';
import { constants } from 'node:fs';
import path from 'node:path';
import { WharfError } from '../../common/errors.js';

/** MAX_ROOTFS_FILE_BYTES bounds what is read from a container's root (/etc/passwd of a real system is a few KiB). */
export const MAX_ROOTFS_FILE_BYTES = 1 << 20;

const MAX_SYMLINKS = 255;

const unsafe = (message: string): WharfError => new WharfError('FailedPrecondition', 'WHARF_UNSAFE_ROOTFS_FILE', message);

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * resolveInRoot resolves `unsafePath` inside the directory `root` as if `root` were "/" (chroot semantics, like
 * filepath-securejoin): ".." stops at the root and every symlink, absolute or relative, is followed within it,
 * never to the host. Returns the host path, or undefined when a component does not exist.
 */
export async function resolveInRoot(root: string, unsafePath: string): Promise<string | undefined> {
  const realRoot = await fs.realpath(root);
  const pending = unsafePath.split('/');
  let current = '';
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '' || part === '.') continue;
    if (part === '..') {
      current = path.posix.dirname(`/${current}`).slice(1);
      continue;
    }
    const next = current === '' ? part : `${current}/${part}`;
    let st;
    try {
      st = await fs.lstat(path.join(realRoot, next));
    } catch (err) {
      if (isMissing(err)) return undefined;
      throw err;
    }
    if (!st.isSymbolicLink()) {
      current = next;
      continue;
    }
    if (++links > MAX_SYMLINKS) throw unsafe(`too many levels of symbolic links resolving ${unsafePath} in the container`);
    const target = await fs.readlink(path.join(realRoot, next));
    if (target.startsWith('/')) current = '';
    pending.unshift(...target.split('/'));
  }
  return path.join(realRoot, current);
}

/**
 * readRootfsFile reads a small configuration file (e.g. "/etc/passwd") from a container's root filesystem without
 * ever leaving it or blocking: the path is resolved inside the root (resolveInRoot), opened with
 * O_NOFOLLOW|O_NONBLOCK (a symlink swapped in last moment fails, a FIFO does not hang), must be a regular file no
 * larger than `maxBytes`, and the opened file must still lie under the root (/proc/self/fd check). A missing file
 * is undefined; anything unsafe is FailedPrecondition WHARF_UNSAFE_ROOTFS_FILE.
 */
export async function readRootfsFile(root: string, file: string, maxBytes = MAX_ROOTFS_FILE_BYTES): Promise<Buffer | undefined> {
  const resolved = await resolveInRoot(root, file);
  if (resolved === undefined) return undefined;
  let handle;
  try {
    handle = await fs.open(resolved, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    if (isMissing(err)) return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw unsafe(`${file} in the container is a symbolic link that changed while it was read`);
    throw err;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw unsafe(`${file} in the container is not a regular file`);
    if (st.size > maxBytes) throw unsafe(`${file} in the container is larger than ${maxBytes} bytes`);
    const realRoot = await fs.realpath(root);
    const opened = await fs.readlink(`/proc/self/fd/${handle.fd}`).catch(() => resolved);
    if (opened !== realRoot && !opened.startsWith(`${realRoot}/`)) throw unsafe(`${file} in the container resolves outside its root`);
    const buf = Buffer.alloc(maxBytes + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw unsafe(`${file} in the container is larger than ${maxBytes} bytes`);
    }
    return buf.subarray(0, total);
  } finally {
    await handle.close();
  }
}
