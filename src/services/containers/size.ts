import fs from 'node:fs/promises';
import path from 'node:path';
import { chainIds } from '../../core/image/chain-id.js';
import type { EngineContext } from './engine-context.js';
import type { ContainerRecord } from './container-record.js';

/**
 * directorySize adds up the sizes of the files below `dir` without following symlinks, counting a hard-linked
 * inode once (moby's directory.Size). A missing directory is 0.
 */
export async function directorySize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await fs.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        await walk(p);
        continue;
      }
      const st = await fs.lstat(p).catch(() => undefined);
      if (st === undefined) continue;
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}

/** ContainerSizes are Docker's SizeRw (the container's own layer) and SizeRootFs (plus its image's layers). */
export interface ContainerSizes {
  readonly sizeRw: number;
  readonly sizeRootFs: number;
}

/** containerSizes measures a container's upper directory and adds its image's layer sizes. */
export async function containerSizes(ctx: EngineContext, record: ContainerRecord): Promise<ContainerSizes> {
  const sizeRw = await directorySize(record.paths.upper);
  let imageSize = 0;
  const image = await ctx.images.get(record.imageId);
  for (const chain of chainIds(image?.layers.map((l) => l.diffId) ?? [])) imageSize += (await ctx.snapshots.stat(chain))?.size ?? 0;
  return { sizeRw, sizeRootFs: sizeRw + imageSize };
}
