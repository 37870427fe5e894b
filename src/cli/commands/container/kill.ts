import { containerKill } from '../../../client/containers-admin-api.js';
import type { CommandSpec } from '../../command.js';
import { forEachContainer } from './parallel-operation.js';

const FLAGS = [{ name: 'signal', short: 's', type: 'string', usage: 'Signal to send to the container' }] as const;

/** command is `wharf kill` (`wharf container kill`): without -s the daemon sends SIGKILL. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    const client = ctx.client();
    await forEachContainer(ctx.args, ctx.io, (name) => containerKill(client, name, ctx.flags.signal));
  },
};
