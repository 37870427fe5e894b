import type { CommandSpec } from '../../command.js';
import { addFilter, toFilters } from '../../flags/filters.js';
import { confirm } from '../../prompt.js';
import { humanSize } from '../../render/units.js';

const ALL_WARNING = `WARNING! This will remove all images without at least one container associated to them.
Are you sure you want to continue?`;
const DANGLING_WARNING = `WARNING! This will remove all dangling images.
Are you sure you want to continue?`;

const FLAGS = [
  { name: 'all', short: 'a', type: 'bool', usage: 'Remove all unused images, not just dangling ones' },
  { name: 'filter', type: 'filter', usage: 'Provide filter values (e.g. "until=<timestamp>")' },
  { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
] as const;

/** command is `wharf image prune`: remove dangling (or, with -a, all unused) images after confirmation. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS]',
  args: { max: 0 },
  flags: FLAGS,
  async run(ctx) {
    const { flags, io } = ctx;
    const filters = addFilter(toFilters(flags.filter), 'dangling', String(!flags.all));
    // compat: answering no is not an error for docker (exit 0, nothing more printed).
    if (!flags.force && !(await confirm(io.stdin, io.stdout, flags.all ? ALL_WARNING : DANGLING_WARNING))) return 0;
    const report = await ctx.client().imagePrune(filters);
    const deleted = report.ImagesDeleted ?? [];
    let out = '';
    if (deleted.length > 0) {
      out += 'Deleted Images:\n';
      for (const d of deleted) out += d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted ?? ''}\n`;
      out += '\n';
    }
    out += `Total reclaimed space: ${humanSize(deleted.length > 0 ? (report.SpaceReclaimed ?? 0) : 0)}\n`;
    io.stdout.write(out);
    return 0;
  },
};
