import fs from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import type { DeviceMapping } from '../container/container-spec.js';
import { invalidArgument } from '../../common/errors.js';
import type { OciDevice } from './spec.js';
import type { MappedDevice } from './resource-opts.js';

// Read-only inspection of host device nodes (stat and readdir only), needed to describe `--device` and
// `--privileged` devices in config.json; runc creates the nodes.

/** splitDev splits a Linux dev_t (glibc encoding, as Node's stat rdev) into major and minor numbers. */
export function splitDev(rdev: number | bigint): { major: number; minor: number } {
  const d = BigInt(rdev);
  const major = ((d & 0x00000000000fff00n) >> 8n) | ((d & 0xfffff00000000000n) >> 32n);
  const minor = (d & 0x00000000000000ffn) | ((d & 0x00000ffffff00000n) >> 12n);
  return { major: Number(major), minor: Number(minor) };
}

/** deviceFromStat describes a character or block device node, or gives undefined for anything else. */
export function deviceFromStat(st: Stats, containerPath: string): OciDevice | undefined {
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
  if (type === undefined) return undefined;
  const { major, minor } = splitDev(st.rdev);
  return { path: containerPath, type, major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid };
}

// Directories containerd's HostDevices skips: per-container or virtual content.
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev']);

async function walkDevices(hostDir: string, containerDir: string, skip: boolean): Promise<OciDevice[]> {
  const out: OciDevice[] = [];
  for (const entry of await fs.readdir(hostDir, { withFileTypes: true })) {
    const hostPath = path.join(hostDir, entry.name);
    const containerPath = path.posix.join(containerDir, entry.name);
    if (entry.isDirectory()) {
      if (!skip || !SKIP_DIRS.has(entry.name)) out.push(...(await walkDevices(hostPath, containerPath, skip)));
      continue;
    }
    if (skip && entry.name === 'console') continue;
    const dev = deviceFromStat(await fs.lstat(hostPath), containerPath);
    if (dev) out.push(dev);
  }
  return out;
}

/** hostDevices lists every device node under the host's /dev, as containerd's HostDevices (for --privileged). */
export function hostDevices(devDir = '/dev'): Promise<OciDevice[]> {
  return walkDevices(devDir, '/dev', true);
}

/**
 * resolveDeviceMapping turns one `--device host[:container[:perms]]` into device nodes as moby's DevicesFromPath:
 * a symlink is followed, a device node maps to itself, a directory maps every device below it. Nothing found is
 * InvalidArgument with Docker's "error gathering device information while adding custom device" message.
 */
export async function resolveDeviceMapping(m: DeviceMapping): Promise<MappedDevice[]> {
  const fail = (why: string): Error =>
    invalidArgument('WHARF_INVALID_CONTAINER_CONFIG', `error gathering device information while adding custom device "${m.pathOnHost}": ${why}`);
  let resolved: string;
  let st: Stats;
  try {
    resolved = await fs.realpath(m.pathOnHost);
    st = await fs.stat(resolved);
  } catch (err) {
    throw fail((err as Error).message);
  }
  const dev = deviceFromStat(st, m.pathInContainer);
  if (dev) return [{ device: dev, cgroupPermissions: m.cgroupPermissions }];
  if (st.isDirectory()) {
    const devices = await walkDevices(resolved, m.pathInContainer, false);
    if (devices.length > 0) return devices.map((device) => ({ device, cgroupPermissions: m.cgroupPermissions }));
  }
  throw fail('not a device node');
}
