import type { CommandSpec } from '../../command.js';
import { INSPECT_FORMAT_HELP } from '../../flags/parse-flags.js';
import { platformParam } from '../../flags/platform.js';
import { inspectObjects, joinedInspectError } from '../../render/inspect-format.js';

const FLAGS = [
  { name: 'format', short: 'f', type: 'string', usage: INSPECT_FORMAT_HELP },
  {
    name: 'platform',
    type: 'string',
    usage: `Inspect a specific platform of the multi-platform image.
If the image or the server is not multi-platform capable, the command will error out if the platform does not match.
'os[/arch[/variant]]': Explicit platform (eg. linux/amd64)`,
  },
] as const;

/** command is `wharf image inspect`: a JSON array of the images (or --format per image); missing ones fail with exit 1. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    const platform = platformParam(ctx.flags.platform);
    const client = ctx.client();
    const { output, errors } = await inspectObjects(ctx.args, ctx.flags.format, (ref) => client.imageInspectRaw(ref, { platform }));
    ctx.io.stdout.write(output);
    if (errors.length > 0) throw joinedInspectError(errors);
  },
};
