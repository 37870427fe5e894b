import { containerPause } from '../../../client/containers-admin-api.js';
import type { CommandSpec } from '../../command.js';
import { forEachContainer } from './parallel-operation.js';

/** command is `wharf pause` (`wharf container pause`): freeze every process of the containers. */
export const command: CommandSpec<readonly []> = {
  usage: 'CONTAINER [CONTAINER...]',
  args: { min: 1 },
  flags: [],
  async run(ctx) {
    const client = ctx.client();
    await forEachContainer(ctx.args, ctx.io, (name) => containerPause(client, name));
  },
};
