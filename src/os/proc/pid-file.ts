import fs from 'node:fs/promises';

// pid_max can be at most 2^22 on 64-bit Linux (PID_MAX_LIMIT).
const PID_MAX_LIMIT = 4_194_304;

/**
 * parsePid reads a pid file's content: decimal digits, optionally surrounded by whitespace (conmon writes none,
 * runc none, others a trailing newline). Undefined for anything else, including 0 and values above PID_MAX_LIMIT.
 */
export function parsePid(text: string): number | undefined {
  const t = text.trim();
  if (!/^\d{1,7}$/.test(t)) return undefined;
  const pid = Number(t);
  return pid > 0 && pid <= PID_MAX_LIMIT ? pid : undefined;
}

/**
 * readPidFile returns the pid in `file`, or undefined when the file is absent, empty (still being written) or not
 * a pid. It reads at most 64 bytes, so a wrong path cannot make it load a large file.
 */
export async function readPidFile(file: string): Promise<number | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const buf = Buffer.alloc(64);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return parsePid(buf.subarray(0, bytesRead).toString('latin1'));
  } finally {
    await handle.close();
  }
}
