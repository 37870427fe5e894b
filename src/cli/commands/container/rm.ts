import { containerRemove } from '../../../client/containers-admin-api.js';
import { WharfError, isNotFound } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';
import { forEachContainer } from './parallel-operation.js';

const FLAGS = [
  { name: 'force', short: 'f', type: 'bool', usage: 'Force the removal of a running container (uses SIGKILL)' },
  { name: 'link', short: 'l', type: 'bool', usage: 'Remove the specified link' },
  { name: 'volumes', short: 'v', type: 'bool', usage: 'Remove anonymous volumes associated with the container' },
] as const;

/**
 * command is `wharf rm` (`wharf container rm`, `container remove`): remove containers in parallel, printing each
 * name as given. With -f, a container that does not exist is reported on stderr but does not fail the command.
 */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    const { flags } = ctx;
    const client = ctx.client();
    const remove = async (name: string): Promise<void> => {
      // compat: docker trims slashes, so `/web` (a name as the API lists it) works.
      const id = name.replace(/^\/+|\/+$/g, '');
      if (id === '') throw new WharfError('InvalidArgument', 'WHARF_EMPTY_CONTAINER_ID', 'container name cannot be empty');
      await containerRemove(client, id, { volumes: flags.volumes, link: flags.link, force: flags.force });
    };
    await forEachContainer(ctx.args, ctx.io, remove, { tolerate: (err) => flags.force && isNotFound(err) });
  },
};
