import type { DiskUsage } from '../../../client/engine-client.js';
import { familiarName, parseReference } from '../../../common/reference.js';
import type { CommandSpec } from '../../command.js';
import { FORMAT_HELP } from '../../flags/parse-flags.js';
import { DISK_USAGE_HEADER, builderSize, usageSummaries } from '../../render/contexts/disk-usage-context.js';
import { IMAGE_HEADER, ImageContext, isDangling } from '../../render/contexts/image-context.js';
import {
  BUILD_CACHE_HEADER,
  BuildCacheContext,
  CONTAINER_HEADER,
  ContainerUsageContext,
  VOLUME_HEADER,
  VolumeContext,
  sortBuildCache,
} from '../../render/contexts/usage-contexts.js';
import { TABLE_KEY, parseFormat, renderRows } from '../../render/format.js';
import { humanSize } from '../../render/units.js';

const SUMMARY_TABLE = 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
const IMAGES_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}';
const CONTAINERS_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}';
const VOLUMES_TABLE = 'table {{.Name}}\t{{.Links}}\t{{.Size}}';
const BUILD_CACHE_TABLE = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}';

/** verboseRows builds the per-object rows of `system df -v` (images show only their first tag). */
function verboseRows(du: DiskUsage, trunc: boolean, now: number): Record<string, object[]> {
  const Images = (du.Images ?? []).map((img) => {
    let repo = '<none>';
    let tag = '<none>';
    const first = img.RepoTags?.[0];
    if (first && !isDangling(img)) {
      try {
        const ref = parseReference(first);
        if (ref.tag !== undefined) [repo, tag] = [familiarName(ref), ref.tag];
      } catch {
        // compat: docker leaves unparsable tags as <none>
      }
    }
    return new ImageContext(img, { trunc, repo, tag, digest: '', now });
  });
  return {
    Images,
    Containers: (du.Containers ?? []).map((c) => new ContainerUsageContext(c, trunc, now)),
    Volumes: (du.Volumes ?? []).map((v) => new VolumeContext(v)),
    BuildCache: sortBuildCache(du.BuildCache ?? []).map((r) => new BuildCacheContext(r, trunc, now)),
  };
}

async function verboseTables(du: DiskUsage, rows: Record<string, object[]>): Promise<string> {
  return [
    `Images space usage:\n\n${await renderRows(IMAGES_TABLE, rows.Images ?? [], IMAGE_HEADER)}`,
    `\nContainers space usage:\n\n${await renderRows(CONTAINERS_TABLE, rows.Containers ?? [], CONTAINER_HEADER)}`,
    `\nLocal Volumes space usage:\n\n${await renderRows(VOLUMES_TABLE, rows.Volumes ?? [], VOLUME_HEADER)}`,
    `\nBuild cache usage: ${humanSize(builderSize(du.BuildCache ?? []))}\n\n${await renderRows(BUILD_CACHE_TABLE, rows.BuildCache ?? [], BUILD_CACHE_HEADER)}`,
  ].join('');
}

const FLAGS = [
  { name: 'format', type: 'string', usage: FORMAT_HELP },
  { name: 'verbose', short: 'v', type: 'bool', usage: 'Show detailed information on space usage' },
] as const;

/** command is `wharf system df`: disk usage of images, containers, volumes and build cache. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS]',
  args: { max: 0 },
  flags: FLAGS,
  async run(ctx) {
    const format = ctx.flags.format || TABLE_KEY;
    const du = await ctx.client().systemDf();
    if (!ctx.flags.verbose) {
      const source = format === TABLE_KEY ? SUMMARY_TABLE : format;
      ctx.io.stdout.write(await renderRows(source, usageSummaries(du), DISK_USAGE_HEADER));
      return;
    }
    const rows = verboseRows(du, format.startsWith(TABLE_KEY), ctx.io.now());
    if (format === TABLE_KEY) {
      ctx.io.stdout.write(await verboseTables(du, rows));
      return;
    }
    const tmpl = await parseFormat(format);
    try {
      ctx.io.stdout.write(tmpl.execute(rows));
    } catch (err) {
      const { templateParsingError } = await import('../../render/template/template.js');
      throw templateParsingError(err);
    }
  },
};
