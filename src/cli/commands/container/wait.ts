import { containerWait } from '../../../client/containers-admin-api.js';
import type { CommandSpec } from '../../command.js';
import { forEachContainer } from './parallel-operation.js';

/** command is `wharf wait` (`wharf container wait`): block until each container stops, then print its exit code. */
export const command: CommandSpec<readonly []> = {
  usage: 'CONTAINER [CONTAINER...]',
  args: { min: 1 },
  flags: [],
  async run(ctx) {
    const client = ctx.client();
    await forEachContainer(ctx.args, ctx.io, (name) => containerWait(client, name), {
      sequential: true,
      line: (_name, result) => String((result as { StatusCode?: number }).StatusCode ?? 0),
    });
  },
};
