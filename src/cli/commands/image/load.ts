import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';
import { platformUsage } from '../../flags/parse-flags.js';
import { platformParam } from '../../flags/platform.js';
import { displayJsonMessages } from '../../render/json-message.js';

const FLAGS = [
  { name: 'input', short: 'i', type: 'string', usage: 'Read from tar archive file, instead of STDIN' },
  { name: 'platform', type: 'string', usage: platformUsage('Load only the given platform variant.') },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Suppress the load output' },
] as const;

function openInput(path: string): Readable {
  try {
    statSync(path);
  } catch (err) {
    throw new WharfError('NotFound', 'WHARF_LOAD_INPUT_MISSING', `open ${path}: no such file or directory`, { cause: err });
  }
  return createReadStream(path);
}

/** command is `wharf load` (`wharf image load`): load images from a tar archive (-i FILE or stdin). */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS]',
  args: { max: 0 },
  flags: FLAGS,
  async run(ctx) {
    const { flags, io } = ctx;
    if (flags.input === '' && io.stdinIsTTY) {
      // compat: docker refuses to wait on an interactive stdin.
      throw new WharfError('InvalidArgument', 'WHARF_LOAD_STDIN_EMPTY', 'requested load from stdin, but stdin is empty');
    }
    const body = flags.input === '' ? io.stdin : openInput(flags.input);
    const messages = ctx.client().imageLoad(body, {
      quiet: flags.quiet || !io.stdoutIsTTY,
      platform: platformParam(flags.platform),
    });
    await displayJsonMessages(messages, io.stdout, { isTerminal: io.stdoutIsTTY, width: io.columns });
  },
};
