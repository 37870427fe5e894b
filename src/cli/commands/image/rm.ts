import { WharfError, isNotFound } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';
import { formatError } from '../../run-cli.js';
import { platformUsage } from '../../flags/parse-flags.js';
import { platformParam } from '../../flags/platform.js';

const FLAGS = [
  { name: 'force', short: 'f', type: 'bool', usage: 'Force removal of the image' },
  { name: 'no-prune', type: 'bool', usage: 'Do not delete untagged parents' },
  { name: 'platform', type: 'strings', usage: platformUsage('Remove only the given platform variant.') },
] as const;

/**
 * command is `wharf rmi` (`wharf image rm`, `wharf image remove`): removes each image in turn, printing docker's
 * `Untagged:`/`Deleted:` lines. Failures do not stop the others; they are reported together (exit 1), except that
 * with -f "no such image" alone is only printed.
 */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  args: { min: 1 },
  flags: FLAGS,
  async run(ctx) {
    const platforms = ctx.flags.platform.map((p) => platformParam(p) ?? '');
    const client = ctx.client();
    const errors: unknown[] = [];
    let fatal = false;
    for (const name of ctx.args) {
      try {
        const items = await client.imageRemove(name, { force: ctx.flags.force, noPrune: ctx.flags['no-prune'], platforms });
        for (const item of items) {
          ctx.io.stdout.write(item.Deleted ? `Deleted: ${item.Deleted}\n` : `Untagged: ${item.Untagged ?? ''}\n`);
        }
      } catch (err) {
        if (!isNotFound(err)) fatal = true;
        errors.push(err);
      }
    }
    if (errors.length === 0) return;
    const message = errors.map(formatError).join('\n');
    if (fatal) throw new WharfError('Internal', 'WHARF_RMI_FAILED', message);
    if (!ctx.flags.force) throw new WharfError('NotFound', 'WHARF_RMI_FAILED', message);
    ctx.io.stderr.write(`${message}\n`);
  },
};
