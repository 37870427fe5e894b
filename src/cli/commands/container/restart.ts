import { containerRestart } from '../../../client/containers-admin-api.js';
import type { CommandSpec } from '../../command.js';
import { forEachContainer } from './parallel-operation.js';
import { STOP_FLAGS, stopOptions } from './stop-flags.js';

/** command is `wharf restart` (`wharf container restart`): one container after the other, as docker does. */
export const command: CommandSpec<typeof STOP_FLAGS> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { min: 1 },
  flags: STOP_FLAGS,
  async run(ctx) {
    const opts = stopOptions(ctx);
    const client = ctx.client();
    await forEachContainer(ctx.args, ctx.io, (name) => containerRestart(client, name, opts), { sequential: true });
  },
};
