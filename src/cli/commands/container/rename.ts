import { containerRename } from '../../../client/containers-admin-api.js';
import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';
import { formatError } from '../../run-cli.js';

/** command is `wharf rename` (`wharf container rename`): docker prints the daemon's error, then a summary line. */
export const command: CommandSpec<readonly []> = {
  usage: 'CONTAINER NEW_NAME',
  args: { min: 2, max: 2 },
  flags: [],
  async run(ctx) {
    const oldName = (ctx.args[0] ?? '').trim();
    const newName = (ctx.args[1] ?? '').trim();
    if (oldName === '' || newName === '') {
      throw new WharfError('InvalidArgument', 'WHARF_EMPTY_CONTAINER_ID', 'Error: Neither old nor new names may be empty');
    }
    try {
      await containerRename(ctx.client(), oldName, newName);
    } catch (err) {
      ctx.io.stderr.write(`${formatError(err)}\n`);
      throw new WharfError('Internal', 'WHARF_CONTAINER_OPERATION_FAILED', `Error: failed to rename container named ${oldName}`, { cause: err });
    }
  },
};
