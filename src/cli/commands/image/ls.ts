import type { CommandSpec } from '../../command.js';
import { addFilter, toFilters } from '../../flags/filters.js';
import { FORMAT_HELP } from '../../flags/parse-flags.js';
import { IMAGE_HEADER, imageRows } from '../../render/contexts/image-context.js';
import { TABLE_KEY, isTableFormat, renderRows } from '../../render/format.js';

// compat: docker's defaults say {{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}, but CreatedSince is
// never empty (Go's time.Unix(0).IsZero() is false), so plain fields print the same and skip the template engine.
const DEFAULT_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
const DEFAULT_TABLE_WITH_DIGEST = 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';

/** imageFormat is docker's NewImageFormat: the template for a --format value and the -q/--digests flags. */
export function imageFormat(source: string, quiet: boolean, digests: boolean): string {
  if (source === TABLE_KEY) return quiet ? '{{.ID}}' : digests ? DEFAULT_TABLE_WITH_DIGEST : DEFAULT_TABLE;
  if (source === 'raw') {
    if (quiet) return 'image_id: {{.ID}}';
    const digestLine = digests ? 'digest: {{.Digest}}\n' : '';
    return `repository: {{ .Repository }}\ntag: {{.Tag}}\n${digestLine}image_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n`;
  }
  if (isTableFormat(source) && digests && !source.includes('{{.Digest}}')) return `${source}\t{{.Digest}}`;
  return source;
}

// compat: the subcommands of `docker image`, which people type after `docker images` by mistake.
const IMAGE_SUBCOMMANDS = ['build', 'history', 'import', 'inspect', 'list', 'load', 'ls', 'prune', 'pull', 'push', 'rm', 'save', 'tag'];

const FLAGS = [
  { name: 'all', short: 'a', type: 'bool', usage: 'Show all images (default hides intermediate images)' },
  { name: 'digests', type: 'bool', usage: 'Show digests' },
  { name: 'filter', short: 'f', type: 'filter', usage: 'Filter output based on conditions provided' },
  { name: 'format', type: 'string', usage: FORMAT_HELP },
  { name: 'no-trunc', type: 'bool', usage: "Don't truncate output" },
  { name: 'quiet', short: 'q', type: 'bool', usage: 'Only show image IDs' },
] as const;

/** command is `wharf image ls` (`wharf images`, `wharf image list`). */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  args: { max: 1 },
  flags: FLAGS,
  async run(ctx) {
    const { flags } = ctx;
    const match = ctx.args[0] ?? '';
    let filters = toFilters(flags.filter);
    if (match !== '') filters = addFilter(filters, 'reference', match);
    const images = await ctx.client().imageList({ all: flags.all, filters });
    const format = imageFormat(flags.format || TABLE_KEY, flags.quiet, flags.digests);
    const rows = imageRows(images, {
      trunc: !flags['no-trunc'],
      showDigests: flags.digests,
      needDigest: flags.digests || format.includes('{{.Digest}}'),
      now: ctx.io.now(),
    });
    ctx.io.stdout.write(await renderRows(format, rows, IMAGE_HEADER));
    if (match !== '' && images.length === 0 && ctx.path === 'wharf images' && IMAGE_SUBCOMMANDS.includes(match)) {
      ctx.io.stderr.write(`\nNo images found matching ${JSON.stringify(match)}: did you mean "wharf image ${match}"?\n`);
    }
  },
};
