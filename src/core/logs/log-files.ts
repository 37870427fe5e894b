import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';

/** MAX_ROTATED_FILES bounds how many rotated files (path.1 … path.N) a log may have. */
export const MAX_ROTATED_FILES = 100;

/** rotatedPath names the n-th rotated file of a log (n ≥ 1): `<path>.<n>`, as Docker's json-file driver does. */
export function rotatedPath(path: string, n: number): string {
  return `${path}.${n}`;
}

/**
 * logFileSet returns the files of a log that exist, oldest first: `path.N`, …, `path.1`, then `path` itself when it
 * exists. Rotated files are looked up in order and the first gap ends the list.
 */
export async function logFileSet(path: string): Promise<string[]> {
  const rotated: string[] = [];
  for (let n = 1; n <= MAX_ROTATED_FILES; n++) {
    if (!(await exists(rotatedPath(path, n)))) break;
    rotated.push(rotatedPath(path, n));
  }
  rotated.reverse();
  if (await exists(path)) rotated.push(path);
  return rotated;
}

/**
 * rotateLogFiles shifts a log's files so that `path` is free for a new file while at most `maxFiles` files remain:
 * `path.(maxFiles-1)` is dropped, `path.k` becomes `path.(k+1)`, and `path` becomes `path.1` (with maxFiles 1,
 * `path` itself is dropped). Whoever writes `path` must then reopen it (conmon: the ctl FIFO's reopen message).
 * The dropped file is only renamed out of the set, to the returned `<path>.discard-<random>` (which logFileSet
 * never lists): the caller deletes it once the writer has reopened. Unlinking a large file can take tens of
 * milliseconds (ext4 with online discard: hundreds), and the live file keeps growing past max-size until the
 * rename and the reopen are done, so the deletion must not sit between them.
 */
export async function rotateLogFiles(path: string, maxFiles: number): Promise<string> {
  if (!Number.isInteger(maxFiles) || maxFiles < 1 || maxFiles > MAX_ROTATED_FILES + 1) {
    throw new RangeError(`rotateLogFiles: maxFiles must be 1..${MAX_ROTATED_FILES + 1}, not ${maxFiles}`);
  }
  const discard = `${path}.discard-${randomBytes(6).toString('hex')}`;
  await renameIfExists(maxFiles === 1 ? path : rotatedPath(path, maxFiles - 1), discard);
  for (let n = maxFiles - 2; n >= 1; n--) await renameIfExists(rotatedPath(path, n), rotatedPath(path, n + 1));
  if (maxFiles > 1) await renameIfExists(path, rotatedPath(path, 1));
  return discard;
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await fs.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}
