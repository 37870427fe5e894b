import fs from 'node:fs';
import path from 'node:path';
import { WharfError } from '../../common/errors.js';
import type { Mounter } from '../../core/runtime/mounter.js';
import type { Mount } from '../../core/snapshot/snapshotter.js';
import { MOUNT_FLAGS, mount as sysMount, umount2 } from '../native/native.js';
import { readMountInfo } from './mountinfo.js';
import { MS, parseMountOptions } from './mount-options.js';
import { MOUNT_DATA_MAX, overlayDataWithFdPaths } from './overlay-data.js';

const BUSY_RETRIES = 10;
const BUSY_DELAY_MS = 50;
const MAX_STACKED = 64;

/** MountSyscalls are the two system calls LinuxMounter makes (injectable for tests). */
export interface MountSyscalls {
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
}

const NATIVE: MountSyscalls = { mount: sysMount, umount2 };

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException).code;
}

/**
 * LinuxMounter is the host's Mounter: mount(2)/umount2(2) through the native addon, /proc/self/mountinfo for
 * isMounted. Overlays whose lowerdir list does not fit one page are mounted with /proc/self/fd paths (see
 * overlayDataWithFdPaths). Mounts are made in the daemon's mount namespace, where runc finds them.
 */
export class LinuxMounter implements Mounter {
  readonly #sys: MountSyscalls;
  readonly #mountInfoFile: string;

  constructor(opts: { syscalls?: MountSyscalls; mountInfoFile?: string } = {}) {
    this.#sys = opts.syscalls ?? NATIVE;
    this.#mountInfoFile = opts.mountInfoFile ?? '/proc/self/mountinfo';
  }

  async mount(mounts: readonly Mount[], target: string): Promise<void> {
    const done: string[] = [];
    try {
      for (const m of mounts) {
        const dest = destination(target, m.target);
        this.#mountOne(m, dest);
        done.push(dest);
      }
    } catch (err) {
      for (const dest of done.reverse()) {
        try {
          this.#sys.umount2(dest, MOUNT_FLAGS.MNT_DETACH);
        } catch {
          // best effort: the original error is what matters
        }
      }
      throw err;
    }
  }

  #mountOne(m: Mount, dest: string): void {
    const opts = parseMountOptions(m.options);
    const fds: number[] = [];
    try {
      let data = opts.data;
      if (m.type === 'overlay' && Buffer.byteLength(data.join(',')) > MOUNT_DATA_MAX) {
        data = overlayDataWithFdPaths(data, (dir) => {
          const fd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
          fds.push(fd);
          return fd;
        });
        if (Buffer.byteLength(data.join(',')) > MOUNT_DATA_MAX) {
          throw new WharfError('InvalidArgument', 'WHARF_TOO_MANY_LAYERS', `too many layers to mount at ${dest}: the overlay options exceed the kernel's ${MOUNT_DATA_MAX + 1}-byte limit`);
        }
      }
      const joined = data.join(',');
      this.#call(() => this.#sys.mount(m.source, dest, m.type, opts.flags, joined === '' ? null : joined), m, dest);
    } finally {
      for (const fd of fds) fs.closeSync(fd);
    }
    // A bind mount ignores MS_RDONLY on creation; making it read-only takes a remount (mount(8) does the same).
    if ((opts.flags & MS.BIND) !== 0 && (opts.flags & MS.RDONLY) !== 0) {
      this.#call(() => this.#sys.mount(null, dest, null, opts.flags | MS.REMOUNT, null), m, dest);
    }
    if (opts.propagation !== 0) this.#call(() => this.#sys.mount(null, dest, null, opts.propagation, null), m, dest);
  }

  #call(fn: () => void, m: Mount, dest: string): void {
    try {
      fn();
    } catch (err) {
      throw new WharfError('Internal', 'WHARF_MOUNT_FAILED', `mount ${m.type} ${m.source} at ${dest}: ${errnoOf(err) ?? String(err)}`, { cause: err });
    }
  }

  async unmount(target: string, opts: { readonly lazy?: boolean } = {}): Promise<void> {
    for (let i = 0; i < MAX_STACKED; i++) {
      if (!(await this.isMounted(target))) return;
      await this.#unmountOnce(target, opts.lazy === true);
    }
    throw new WharfError('Internal', 'WHARF_UNMOUNT_FAILED', `unmount ${target}: more than ${MAX_STACKED} mounts stacked`);
  }

  async #unmountOnce(target: string, lazy: boolean): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        this.#sys.umount2(target, 0);
        return;
      } catch (err) {
        const code = errnoOf(err);
        if (code === 'EINVAL' || code === 'ENOENT') return; // not (or no longer) a mount point
        if (code !== 'EBUSY' || attempt >= BUSY_RETRIES) {
          if (code === 'EBUSY' && lazy) {
            this.#sys.umount2(target, MOUNT_FLAGS.MNT_DETACH);
            return;
          }
          throw new WharfError('Internal', 'WHARF_UNMOUNT_FAILED', `unmount ${target}: ${code ?? String(err)}`, { cause: err });
        }
        await new Promise((r) => setTimeout(r, BUSY_DELAY_MS));
      }
    }
  }

  async isMounted(target: string): Promise<boolean> {
    let real: string;
    try {
      real = await fs.promises.realpath(target);
    } catch {
      return false;
    }
    return (await readMountInfo(this.#mountInfoFile)).some((m) => m.mountPoint === real);
  }
}

/** destination resolves a mount's own target under the overall target, refusing anything that leaves it. */
function destination(target: string, sub: string | undefined): string {
  if (sub === undefined || sub === '' || sub === '/') return target;
  const dest = path.join(target, sub);
  const rel = path.relative(target, dest);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_MOUNT', `mount target ${sub} leaves ${target}`);
  }
  return dest;
}
