import { randomBytes } from 'node:crypto';
import { createWriteStream, lstatSync, statSync, type Stats } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { containerExport } from '../../../client/containers-admin-api.js';
import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';

const FLAGS = [{ name: 'output', short: 'o', type: 'string', usage: 'Write to a file, instead of STDOUT' }] as const;

function badOutput(message: string, cause?: unknown): WharfError {
  return new WharfError('InvalidArgument', 'WHARF_EXPORT_OUTPUT', `failed to export container: ${message}`, { cause });
}

/** fileKindRefusal is moby's atomicwriter check of an existing output path: only regular files may be replaced. */
function fileKindRefusal(st: Stats): string | undefined {
  if (st.isFile()) {
    if ((st.mode & 0o4000) !== 0) return 'cannot write to a setuid file';
    if ((st.mode & 0o2000) !== 0) return 'cannot write to a setgid file';
    if ((st.mode & 0o1000) !== 0) return 'cannot write to a sticky bit file';
    return undefined;
  }
  if (st.isDirectory()) return 'cannot write to a directory';
  if (st.isSymbolicLink()) return 'cannot write to a symbolic link directly';
  if (st.isFIFO()) return 'cannot write to a named pipe (FIFO)';
  if (st.isSocket()) return 'cannot write to a socket';
  if (st.isCharacterDevice()) return 'cannot write to a character device file';
  return 'cannot write to a block device file';
}

/** checkOutputPath validates -o before contacting the daemon, with moby atomicwriter's messages. */
export function checkOutputPath(path: string): void {
  const dir = dirname(path);
  if (dir !== '.' && dir !== '..') {
    let st;
    try {
      st = statSync(dir);
    } catch (err) {
      throw badOutput(`invalid output path: stat ${dir}: no such file or directory`, err);
    }
    if (!st.isDirectory()) throw badOutput(`invalid output path: stat ${dir}: not a directory`);
  }
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return;
  }
  const refusal = fileKindRefusal(st);
  if (refusal) throw badOutput(refusal);
}

/** writeAtomically streams into a temporary file beside `path`, then fsyncs and renames it into place (mode 0600). */
export async function writeAtomically(content: Readable, path: string): Promise<void> {
  const abs = resolve(path);
  const tmp = `${dirname(abs)}/.tmp-${basename(abs)}${randomBytes(5).toString('hex')}`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await pipeline(content, createWriteStream('', { fd: fh.fd, autoClose: false }));
    await fh.sync();
    await fh.close();
    await rename(tmp, abs);
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** command is `wharf export` (`wharf container export`): the container's filesystem as a tar to -o or stdout. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER',
  args: { min: 1, max: 1 },
  flags: FLAGS,
  async run(ctx) {
    const output = ctx.flags.output;
    if (output === '' && ctx.io.stdoutIsTTY) {
      throw new WharfError('InvalidArgument', 'WHARF_EXPORT_TO_TERMINAL', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    if (output !== '') checkOutputPath(output);
    const archive = await containerExport(ctx.client(), ctx.args[0] ?? '');
    if (output !== '') await writeAtomically(archive, output);
    else await pipeline(archive, ctx.io.stdout as Writable, { end: false });
  },
};
