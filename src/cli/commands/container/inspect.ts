import { containerInspectRaw } from '../../../client/containers-admin-api.js';
import type { CommandSpec } from '../../command.js';
import { INSPECT_FORMAT_HELP } from '../../flags/parse-flags.js';
import { inspectObjects, joinedInspectError } from '../../render/inspect-format.js';

const FLAGS = [
  { name: 'format', short: 'f', type: 'string', usage: INSPECT_FORMAT_HELP },
  { name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes' },
] as const;

/** command is `wharf container inspect`: a JSON array of the containers (or --format per container). */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    const client = ctx.client();
    const size = ctx.flags.size;
    const { output, errors } = await inspectObjects(ctx.args, ctx.flags.format, (ref) => containerInspectRaw(client, ref, { size }));
    ctx.io.stdout.write(output);
    if (errors.length > 0) throw joinedInspectError(errors);
  },
};
