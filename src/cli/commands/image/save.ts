import { closeSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, createWriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';
import { platformUsage } from '../../flags/parse-flags.js';
import { platformParam } from '../../flags/platform.js';

const FLAGS = [
  { name: 'output', short: 'o', type: 'string', usage: 'Write to a file, instead of STDOUT' },
  { name: 'platform', type: 'string', usage: platformUsage('Save only the given platform variant.') },
] as const;

function checkOutputPath(path: string): void {
  const dir = dirname(path);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new WharfError('InvalidArgument', 'WHARF_SAVE_OUTPUT', `failed to save image: invalid output path: directory ${JSON.stringify(dir)} does not exist`);
  }
  if (!st.isDirectory()) throw new WharfError('InvalidArgument', 'WHARF_SAVE_OUTPUT', `failed to save image: invalid output path: ${JSON.stringify(dir)} is not a directory`);
  try {
    if (statSync(path).isDirectory()) throw new WharfError('InvalidArgument', 'WHARF_SAVE_OUTPUT', `failed to save image: invalid output path: ${JSON.stringify(path)} is a directory`);
  } catch (err) {
    if (err instanceof WharfError) throw err;
  }
}

/** saveAtomically writes the archive next to `path` and renames it into place after an fsync (mode 0600). */
async function saveAtomically(archive: Readable, path: string): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    await pipeline(archive, createWriteStream('', { fd, autoClose: false }));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    unlinkSync(tmp);
    throw err;
  }
  const dirFd = openSync(dirname(path), 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}

/** command is `wharf save` (`wharf image save`): a tar archive of images to -o FILE or stdout (never a terminal). */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    const output = ctx.flags.output;
    if (output === '' && ctx.io.stdoutIsTTY) {
      throw new WharfError('InvalidArgument', 'WHARF_SAVE_TO_TERMINAL', 'cowardly refusing to save to a terminal. Use the -o flag or redirect');
    }
    if (output !== '') checkOutputPath(output);
    const archive = await ctx.client().imageSave(ctx.args, { platform: platformParam(ctx.flags.platform) });
    if (output !== '') await saveAtomically(archive, output);
    else await pipeline(archive, ctx.io.stdout as Writable, { end: false });
  },
};
