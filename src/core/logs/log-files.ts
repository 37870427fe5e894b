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
 * `path.(maxFiles-1)` is removed, `path.k` becomes `path.(k+1)`, and `path` becomes `path.1`. With maxFiles 1 it
 * just removes `path`. Whoever writes `path` must then reopen it (conmon: the ctl FIFO's reopen message).
 */
export async function rotateLogFiles(path: string, maxFiles: number): Promise<void> {
  if (!Number.isInteger(maxFiles) || maxFiles < 1 || maxFiles > MAX_ROTATED_FILES + 1) {
    throw new RangeError(`rotateLogFiles: maxFiles must be 1..${MAX_ROTATED_FILES + 1}, not ${maxFiles}`);
  }
  if (maxFiles === 1) {
    await fs.rm(path, { force: true });
    return;
  }
  await fs.rm(rotatedPath(path, maxFiles - 1), { force: true });
  for (let n = maxFiles - 2; n >= 1; n--) await renameIfExists(rotatedPath(path, n), rotatedPath(path, n + 1));
  await renameIfExists(path, rotatedPath(path, 1));
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
