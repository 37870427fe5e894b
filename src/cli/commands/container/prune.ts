import { containerPrune } from '../../../client/containers-admin-api.js';
import type { CommandSpec } from '../../command.js';
import { toFilters } from '../../flags/filters.js';
import { confirm } from '../../prompt.js';
import { humanSize } from '../../render/units.js';

const WARNING = `WARNING! This will remove all stopped containers.
Are you sure you want to continue?`;

const FLAGS = [
  { name: 'filter', type: 'filter', usage: 'Provide filter values (e.g. "until=<timestamp>")' },
  { name: 'force', short: 'f', type: 'bool', usage: 'Do not prompt for confirmation' },
] as const;

/** command is `wharf container prune`: remove every stopped container after confirmation. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS]',
  args: { max: 0 },
  flags: FLAGS,
  async run(ctx) {
    const { flags, io } = ctx;
    // compat: answering no cancels quietly with exit status 0, as docker does.
    if (!flags.force && !(await confirm(io.stdin, io.stdout, WARNING))) return 0;
    const report = await containerPrune(ctx.client(), toFilters(flags.filter));
    const deleted = report.ContainersDeleted ?? [];
    let out = '';
    if (deleted.length > 0) out += `Deleted Containers:\n${deleted.map((id) => `${id}\n`).join('')}\n`;
    out += `Total reclaimed space: ${humanSize(deleted.length > 0 ? (report.SpaceReclaimed ?? 0) : 0)}\n`;
    io.stdout.write(out);
    return 0;
  },
};
