import { containerList } from '../../../client/containers-admin-api.js';
import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';
import { toFilters } from '../../flags/filters.js';
import { FORMAT_HELP } from '../../flags/parse-flags.js';
import { CONTAINER_HEADER } from '../../render/contexts/usage-contexts.js';
import { TABLE_KEY, renderRows } from '../../render/format.js';
import { ContainerContext } from './ps-context.js';

const DEFAULT_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}';
const RAW_FORMAT = `container_id: {{.ID}}
image: {{.Image}}
command: {{.Command}}
created_at: {{.CreatedAt}}
state: {{- pad .State 1 0}}
status: {{- pad .Status 1 0}}
names: {{.Names}}
labels: {{- pad .Labels 1 0}}
ports: {{- pad .Ports 1 0}}
`;

/** containerFormat is docker's NewContainerFormat: the template for a --format value and the -q/-s flags. */
export function containerFormat(source: string, quiet: boolean, size: boolean): string {
  if (source === TABLE_KEY || source === '') {
    if (quiet) return '{{.ID}}';
    return size ? `${DEFAULT_TABLE}\t{{.Size}}` : DEFAULT_TABLE;
  }
  if (source === 'raw') {
    if (quiet) return 'container_id: {{.ID}}';
    return size ? `${RAW_FORMAT}size: {{.Size}}\\n` : RAW_FORMAT;
  }
  return quiet ? '{{.ID}}' : source;
}

/**
 * templateNeedsSize is docker's pre-processing of a custom --format: the template must parse and run against an
 * empty row, and reading .Size on the way means the daemon has to compute sizes.
 */
async function templateNeedsSize(format: string, now: number): Promise<boolean> {
  const { compileTemplate } = await import('../../render/template/template.js');
  let tmpl;
  try {
    tmpl = compileTemplate(format);
  } catch (err) {
    throw new WharfError('InvalidArgument', 'WHARF_TEMPLATE_INVALID', `failed to parse template: ${(err as Error).message}`, { cause: err });
  }
  const probe = new ContainerContext({}, false, now);
  try {
    tmpl.execute(probe);
  } catch (err) {
    throw new WharfError('InvalidArgument', 'WHARF_TEMPLATE_INVALID', `failed to execute template: ${(err as Error).message}`, { cause: err });
  }
  return probe.sizeUsed;
}

const FLAGS = [
  { name: 'all', short: 'a', type: 'bool', usage: 'Show all containers (default shows just running)' },
  { name: 'filter', short: 'f', type: 'filter', usage: 'Filter output based on conditions provided' },
  { name: 'format', type: 'string', usage: FORMAT_HELP },
  { name: 'last', short: 'n', type: 'int', usage: 'Show n last created containers (includes all states)', default: -1 },
  { name: 'latest', short: 'l', type: 'bool', usage: 'Show the latest created container (includes all states)' },
  { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Only display container IDs' },
  { name: 'size', short: 's', type: 'bool', usage: 'Display total file sizes' },
] as const;

/** command is `wharf ps` (`wharf container ls`, `container list`, `container ps`): docker's container table. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS]',
  args: { max: 0 },
  flags: FLAGS,
  async run(ctx) {
    const { flags, io } = ctx;
    if (flags.format !== '' && flags.quiet) io.stderr.write('WARNING: Ignoring custom format, because both --format and --quiet are set.\n');
    let size = flags.size;
    let limit = flags.last;
    if (flags.latest && limit === -1) limit = 1;
    if (flags.format !== '') {
      const needsSize = await templateNeedsSize(flags.format, io.now());
      if (!flags.quiet && !size && !ctx.changed.has('size') && needsSize) size = true;
    }
    const containers = await containerList(ctx.client(), { all: flags.all, limit, size, filters: toFilters(flags.filter) });
    const trunc = !flags['no-trunc'];
    const rows = containers.map((c) => new ContainerContext(c, trunc, io.now()));
    io.stdout.write(await renderRows(containerFormat(flags.format, flags.quiet, size), rows, CONTAINER_HEADER));
  },
};
