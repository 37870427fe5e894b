import { containerChanges } from '../../../client/containers-admin-api.js';
import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';

// compat: docker's container.ChangeType String(): 0 modified, 1 added, 2 deleted.
const KIND_LETTERS = ['C', 'A', 'D'];

/** command is `wharf diff` (`wharf container diff`): `A`/`C`/`D` and the path of each change in the container's layer. */
export const command: CommandSpec<readonly []> = {
  usage: 'CONTAINER',
  args: { min: 1, max: 1 },
  flags: [],
  async run(ctx) {
    const container = ctx.args[0] ?? '';
    if (container === '') throw new WharfError('InvalidArgument', 'WHARF_EMPTY_CONTAINER_ID', 'Container name cannot be empty');
    const changes = await containerChanges(ctx.client(), container);
    ctx.io.stdout.write(changes.map((c) => `${KIND_LETTERS[c.Kind] ?? ''} ${c.Path}\n`).join(''));
  },
};
