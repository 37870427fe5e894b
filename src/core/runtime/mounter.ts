import type { Mount } from '../snapshot/snapshotter.js';

/**
 * Mounter executes the Mount[] plans that core computes (containerd's mount.All / UnmountAll): the only way core
 * code gets something mounted. A container's root is `mount(snapshotMounts, <bundle>/rootfs)` before the runtime's
 * create, and `unmount(<bundle>/rootfs)` after its delete.
 *
 * Mount options use mount(8)'s words: flags (`ro`, `rw`, `nosuid`, `nodev`, `noexec`, `relatime`, `bind`, `rbind`,
 * `private`, `rprivate`, `slave`, `rslave`, `shared`, `rshared`, ...) become mount flags, everything else
 * (`lowerdir=...`, `upperdir=...`, `workdir=...`, `size=64m`, `mode=755`) is filesystem data. An overlay with more
 * lower directories than fit the kernel's one-page limit on mount data is still mounted (see os/mount).
 */
export interface Mounter {
  /**
   * mount performs each mount in order on `target` (a mount's own `target`, when set, is taken relative to
   * `target`, as containerd's All does). If one fails, those already done are undone and the error is thrown.
   */
  mount(mounts: readonly Mount[], target: string): Promise<void>;
  /**
   * unmount removes every mount stacked on `target`; absent or not mounted is no error. `lazy` detaches mounts that
   * are busy (MNT_DETACH) instead of failing with EBUSY.
   */
  unmount(target: string, opts?: { readonly lazy?: boolean }): Promise<void>;
  /** isMounted tells whether something is mounted exactly at `target` (per /proc/self/mountinfo). */
  isMounted(target: string): Promise<boolean>;
}
