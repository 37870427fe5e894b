import fs from 'node:fs/promises';

/**
 * CgroupMounts says where the cgroup hierarchies are mounted: on cgroup v1, one mount point per controller
 * ("memory" → /sys/fs/cgroup/memory; a co-mounted "cpu,cpuacct" serves both); on a pure cgroup v2 host, the
 * unified mount. A hybrid host (v1 controllers plus an empty unified mount) counts as v1.
 */
export interface CgroupMounts {
  readonly version: 1 | 2;
  /** v1: controller name → mount point. */
  readonly controllers: ReadonlyMap<string, string>;
  /** v2: the unified hierarchy's mount point. */
  readonly unified?: string;
}

// mountinfo escapes space, tab, newline and backslash as octal (\040 ...).
function unescapeMountPath(p: string): string {
  return p.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(Number.parseInt(oct, 8)));
}

/**
 * parseCgroupMounts reads /proc/self/mountinfo text (proc(5): "id parent dev root mountpoint options [optional]
 * - fstype source superoptions") and keeps the cgroup mounts. Controllers are taken from the super options,
 * skipping "rw"/"ro" and named hierarchies ("name=systemd"). The first mount of a controller wins.
 */
export function parseCgroupMounts(mountinfo: string): CgroupMounts {
  const controllers = new Map<string, string>();
  let unified: string | undefined;
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(' ');
    const post = line.slice(sep + 3).split(' ');
    const mountPoint = pre[4];
    const fstype = post[0];
    if (mountPoint === undefined) continue;
    if (fstype === 'cgroup2') {
      unified ??= unescapeMountPath(mountPoint);
      continue;
    }
    if (fstype !== 'cgroup') continue;
    for (const opt of (post[2] ?? '').split(',')) {
      if (opt === '' || opt === 'rw' || opt === 'ro' || opt.includes('=')) continue;
      if (!controllers.has(opt)) controllers.set(opt, unescapeMountPath(mountPoint));
    }
  }
  if (controllers.size === 0 && unified !== undefined) return { version: 2, controllers, unified };
  return { version: 1, controllers, ...(unified !== undefined ? { unified } : {}) };
}

/** readCgroupMounts reads this process's mount table. */
export async function readCgroupMounts(mountinfoPath = '/proc/self/mountinfo'): Promise<CgroupMounts> {
  return parseCgroupMounts(await fs.readFile(mountinfoPath, 'utf8'));
}

/**
 * cgroupDir is the directory of `cgroupsPath` in a hierarchy mounted at `mountPoint`. runc's cgroupfs driver
 * places an absolute cgroupsPath directly below the mount point. The path is normalised and may not climb out
 * (".." segments are dropped), so a damaged config.json cannot make the reader wander the host.
 */
export function cgroupDir(mountPoint: string, cgroupsPath: string): string {
  const parts = cgroupsPath.split('/').filter((p) => p !== '' && p !== '.' && p !== '..');
  return [mountPoint.replace(/\/+$/, ''), ...parts].join('/');
}
