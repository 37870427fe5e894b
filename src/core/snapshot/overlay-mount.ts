import path from 'node:path';
import { invalidArgument } from '../../common/errors.js';
import type { Mount } from './snapshotter.js';

/** OverlayMountSpec names the directories of a root filesystem view: committed layers plus an optional writable upper. */
export interface OverlayMountSpec {
  /** lowerDirs are the read-only layer directories, top-most first (Snapshotter.lowerDirs order). */
  readonly lowerDirs: readonly string[];
  /** upperDir receives the writes (a container's own layer); with it, workDir is required (same filesystem, empty). */
  readonly upperDir?: string;
  readonly workDir?: string;
}

/**
 * overlayMount computes the mount that presents `lowerDirs` (+ `upperDir`) as one root filesystem; it mounts
 * nothing (os/ executes Mounts). Following containerd's overlay snapshotter:
 * - writable, with layers: `overlay` with lowerdir=a:b, upperdir, workdir;
 * - writable, no layers (an image `FROM scratch` with nothing in it): a bind mount of upperDir;
 * - read-only, one layer: a read-only bind mount of it (overlayfs needs two lowers without an upper);
 * - read-only, several layers: `overlay` with lowerdir only.
 * Paths must be absolute and free of ',' and ':', which overlayfs would read as option and layer separators.
 * Note that mount(2) takes at most one page of options, which bounds the layer count with long paths.
 */
export function overlayMount(spec: OverlayMountSpec): Mount {
  const lowers = spec.lowerDirs;
  for (const dir of [...lowers, spec.upperDir, spec.workDir]) if (dir !== undefined) checkPath(dir);
  if (spec.upperDir !== undefined) {
    if (spec.workDir === undefined) throw invalidArgument('WHARF_OVERLAY_PATH', 'overlay: an upper directory needs a work directory');
    if (lowers.length === 0) return { type: 'bind', source: spec.upperDir, options: ['rbind', 'rw'] };
    return {
      type: 'overlay',
      source: 'overlay',
      options: [`lowerdir=${lowers.join(':')}`, `upperdir=${spec.upperDir}`, `workdir=${spec.workDir}`],
    };
  }
  const [only] = lowers;
  if (only === undefined) throw invalidArgument('WHARF_OVERLAY_PATH', 'overlay: a read-only view needs at least one layer');
  if (lowers.length === 1) return { type: 'bind', source: only, options: ['rbind', 'ro'] };
  return { type: 'overlay', source: 'overlay', options: [`lowerdir=${lowers.join(':')}`] };
}

function checkPath(dir: string): void {
  if (!path.isAbsolute(dir) || /[,:\0]/.test(dir)) {
    throw invalidArgument('WHARF_OVERLAY_PATH', `overlay: unusable directory ${JSON.stringify(dir)} (must be absolute, without ',' or ':')`);
  }
}
