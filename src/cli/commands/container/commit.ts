import { containerCommit } from '../../../client/containers-admin-api.js';
import { WharfError } from '../../../common/errors.js';
import { parseReference, repositoryName, withDefaultTag } from '../../../common/reference.js';
import type { CommandSpec } from '../../command.js';

const FLAGS = [
  { name: 'author', short: 'a', type: 'string', usage: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
  { name: 'change', short: 'c', type: 'list', usage: 'Apply Dockerfile instruction to the created image' },
  { name: 'message', short: 'm', type: 'string', usage: 'Commit message' },
  { name: 'pause', short: 'p', type: 'bool', usage: 'Pause container during commit', default: true },
] as const;

/** splitReference is docker's client side of commit: repository and tag (`latest` by default); digests are refused. */
export function splitReference(reference: string): { repo: string; tag: string } {
  if (reference === '') return { repo: '', tag: '' };
  const ref = parseReference(reference);
  if (ref.digest !== undefined) {
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_REFERENCE', 'refusing to create a tag with a digest reference');
  }
  return { repo: repositoryName(ref), tag: withDefaultTag(ref).tag ?? '' };
}

/** command is `wharf commit` (`wharf container commit`): a new image from the container's changes; prints its ID. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  args: { min: 1, max: 2 },
  flags: FLAGS,
  interspersed: false,
  async run(ctx) {
    const [container = '', reference = ''] = ctx.args;
    const { repo, tag } = splitReference(reference);
    const id = await containerCommit(ctx.client(), container, {
      repo,
      tag,
      comment: ctx.flags.message,
      author: ctx.flags.author,
      changes: ctx.flags.change,
      pause: ctx.flags.pause,
    });
    ctx.io.stdout.write(`${id}\n`);
  },
};
