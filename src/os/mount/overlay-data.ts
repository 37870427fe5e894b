/**
 * MOUNT_DATA_MAX is the longest mount data string the kernel accepts: mount(2) copies at most one page (4096 bytes
 * on x86-64 and the usual arm64 kernels) including the terminating NUL.
 */
export const MOUNT_DATA_MAX = 4095;

/**
 * overlayDataWithFdPaths rewrites an overlay's `lowerdir=` list so that each directory is named by
 * `/proc/self/fd/<n>`, an open descriptor of it, with `fdOf` opening the directory. An image's layers are then
 * about 19 bytes each instead of a full path under the data root, so roughly 200 layers fit in the one-page limit
 * (Docker caps images at 128). This is chdir-free, unlike Docker's relative-path trick: overlayfs resolves the paths
 * during mount(2) in the calling process, whose /proc/self/fd holds the descriptors, and keeps the directories
 * themselves, so the descriptors may be closed right after. (mountinfo then shows the /proc/self/fd names.)
 * Returns the data options unchanged when there is no lowerdir.
 */
export function overlayDataWithFdPaths(data: readonly string[], fdOf: (dir: string) => number): string[] {
  return data.map((opt) => {
    if (!opt.startsWith('lowerdir=')) return opt;
    const dirs = splitOverlayPaths(opt.slice('lowerdir='.length));
    return `lowerdir=${dirs.map((d) => `/proc/self/fd/${fdOf(d)}`).join(':')}`;
  });
}

/**
 * splitOverlayPaths splits an overlay path list at unescaped ':' (overlayfs lets `\:` and `\\` appear in a path)
 * and removes the escapes.
 */
export function splitOverlayPaths(list: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '\\' && i + 1 < list.length) {
      cur += list[++i];
    } else if (c === ':') {
      out.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  out.push(cur);
  return out;
}
