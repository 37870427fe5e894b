import { createReadStream, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { WharfError } from '../../../common/errors.js';
import { parseReference } from '../../../common/reference.js';
import type { CommandSpec } from '../../command.js';
import { displayJsonMessages } from '../../render/json-message.js';

const FLAGS = [
  { name: 'change', short: 'c', type: 'list', usage: 'Apply Dockerfile instruction to the created image' },
  { name: 'message', short: 'm', type: 'string', usage: 'Set commit message for imported image' },
  { name: 'platform', type: 'string', usage: 'Set platform if server is multi-platform capable' },
] as const;

/** openSource opens the tarball to import: `-` is stdin, anything else a local file (URLs are not supported yet). */
function openSource(source: string, stdin: () => Readable): Readable {
  if (source === '-') return stdin();
  if (/^https?:\/\//.test(source)) {
    throw new WharfError('NotImplemented', 'WHARF_IMPORT_URL_UNSUPPORTED', `importing from a URL is not supported by wharf yet: ${source}`);
  }
  // Fail before contacting the daemon, with the path in the message (docker: "open x: no such file or directory").
  try {
    statSync(source);
  } catch (err) {
    throw new WharfError('NotFound', 'WHARF_IMPORT_SOURCE_MISSING', `open ${source}: no such file or directory`, { cause: err });
  }
  return createReadStream(source);
}

/** command is `wharf import` (`wharf image import`): create an image from a filesystem tarball; prints its ID. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  args: { min: 1, max: 2 },
  flags: FLAGS,
  async run(ctx) {
    const [source = '', ref = ''] = ctx.args;
    if (ref !== '') parseReference(ref);
    const body = openSource(source, () => ctx.io.stdin);
    const messages = ctx.client().imageImport(body, {
      repo: ref,
      message: ctx.flags.message,
      changes: ctx.flags.change,
      platform: ctx.flags.platform,
    });
    await displayJsonMessages(messages, ctx.io.stdout, { isTerminal: ctx.io.stdoutIsTTY, width: ctx.io.columns });
  },
};
