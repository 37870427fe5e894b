import { invalidConfig } from './wire-reader.js';

// mount(2) flags a tmpfs option string may carry (moby/sys/mount flags_unix.go); options of one group collide and
// the last one wins ("exec" after "noexec"). Propagation modes share one group.
const FLAG_GROUP: Readonly<Record<string, string>> = {
  ro: 'rdonly', rw: 'rdonly', suid: 'nosuid', nosuid: 'nosuid', dev: 'nodev', nodev: 'nodev', exec: 'noexec',
  noexec: 'noexec', sync: 'sync', async: 'sync', dirsync: 'dirsync', remount: 'remount', mand: 'mand',
  nomand: 'mand', atime: 'noatime', noatime: 'noatime', diratime: 'nodiratime', nodiratime: 'nodiratime',
  relatime: 'relatime', norelatime: 'relatime', strictatime: 'strictatime', nostrictatime: 'strictatime',
  bind: 'propagation', rbind: 'propagation', unbindable: 'propagation', runbindable: 'propagation',
  private: 'propagation', rprivate: 'propagation', shared: 'propagation', rshared: 'propagation',
  slave: 'propagation', rslave: 'propagation',
};

// key=value options tmpfs accepts (moby/sys/mount validFlags).
const DATA_KEYS = new Set(['', 'size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol']);

/** TMPFS_DEFAULT_OPTIONS are what Docker puts before a tmpfs mount's own options (daemon/oci_linux.go withMounts). */
export const TMPFS_DEFAULT_OPTIONS: readonly string[] = ['noexec', 'nosuid', 'nodev', 'rprivate'];

/**
 * mergeTmpfsOptions de-duplicates tmpfs mount options the way moby's MergeTmpfsOptions does: scanning from the
 * end, the last option of each flag group and of each key=value key wins, order otherwise kept; "defaults" is
 * dropped. Anything else is InvalidArgument with Docker's wording (`invalid tmpfs option ["foo"]`).
 */
export function mergeTmpfsOptions(options: readonly string[]): string[] {
  const seenFlags = new Set<string>();
  const seenKeys = new Set<string>();
  const out: string[] = [];
  for (let i = options.length - 1; i >= 0; i--) {
    const option = options[i] as string;
    if (option === 'defaults') continue;
    const group = FLAG_GROUP[option];
    if (group !== undefined) {
      if (!seenFlags.has(group)) out.unshift(option);
      seenFlags.add(group);
      continue;
    }
    const eq = option.indexOf('=');
    const key = eq < 0 ? undefined : option.slice(0, eq);
    if (key === undefined || !DATA_KEYS.has(key)) {
      const parts = eq < 0 ? [option] : [option.slice(0, eq), option.slice(eq + 1)];
      throw invalidConfig(`invalid tmpfs option [${parts.map((p) => JSON.stringify(p)).join(' ')}]`);
    }
    if (!seenKeys.has(key)) out.unshift(option);
    seenKeys.add(key);
  }
  return out;
}

/** splitTmpfsData splits a HostConfig.Tmpfs option string ("rw,size=64m") into options, dropping empty parts. */
export function splitTmpfsData(data: string): string[] {
  return data.split(',').filter((o) => o !== '');
}

/**
 * tmpfsSizeOption formats a byte count as Docker's ConvertTmpfsOptions does: the largest of g, m, k that divides it
 * exactly ("size=64m"), else plain bytes.
 */
export function tmpfsSizeOption(bytes: number): string {
  for (const [suffix, divisor] of [['g', 1 << 30], ['m', 1 << 20], ['k', 1 << 10]] as const) {
    if (bytes % divisor === 0) return `size=${bytes / divisor}${suffix}`;
  }
  return `size=${bytes}`;
}
