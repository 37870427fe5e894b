import { WharfError } from '../../../common/errors.js';
import { parseReference, repositoryName } from '../../../common/reference.js';
import type { CommandSpec } from '../../command.js';

function parseOrExplain(s: string): ReturnType<typeof parseReference> {
  try {
    return parseReference(s);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_REFERENCE', `Error parsing reference: ${JSON.stringify(s)} is not a valid repository/tag: ${why}`, { cause: err });
  }
}

/** command is `wharf tag SOURCE TARGET` (`wharf image tag`). */
export const command: CommandSpec<readonly []> = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  args: { min: 2, max: 2 },
  flags: [],
  interspersed: false,
  async run(ctx) {
    const [source = '', target = ''] = ctx.args;
    // compat: docker's client checks both references before asking the daemon (client.ImageTag).
    if (!/^[a-f0-9]{64}$/.test(source)) parseOrExplain(source);
    const ref = parseOrExplain(target);
    if (ref.digest !== undefined) {
      throw new WharfError('InvalidArgument', 'WHARF_TAG_WITH_DIGEST', 'refusing to create a tag with a digest reference');
    }
    // repo is the normalised name (docker.io/library/busybox), as docker's client sends ref.Name().
    await ctx.client().imageTag(source, repositoryName(ref), ref.tag ?? 'latest');
  },
};
