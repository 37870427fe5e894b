import { DEFAULT_CAPABILITIES } from '../container/capabilities.js';
import { OCI_VERSION, type OciDeviceRule, type OciMount, type OciSpec } from './spec.js';

/**
 * DEFAULT_MASKED_PATHS are the /proc and /sys paths Docker hides (bind-mounts /dev/null or an empty read-only
 * tmpfs over them), as moby 28.5 oci/defaults.go: /proc/interrupts (GHSA-6fw5-f8r9-fgfm) and
 * /sys/devices/virtual/powercap (GHSA-jq35-85cj-fj4p) included. Docker also masks each CPU's
 * /sys/devices/system/cpu/cpuN/thermal_throttle that exists on the host: pass those to buildSpec as extra paths.
 */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound',
  '/proc/acpi',
  '/proc/interrupts',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
];

/** DEFAULT_READONLY_PATHS are the /proc paths Docker remounts read-only. */
export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
];

/** DEFAULT_MOUNTS are Docker's standard kernel filesystems (moby oci/defaults.go), /dev/shm without its size. */
export const DEFAULT_MOUNTS: readonly OciMount[] = [
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
  {
    destination: '/dev/pts',
    type: 'devpts',
    source: 'devpts',
    options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
  },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro', 'nosuid', 'noexec', 'nodev'] },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777'] },
];

const allowChar = (major: number, minor: number): OciDeviceRule => ({ allow: true, type: 'c', major, minor, access: 'rwm' });

/**
 * DEFAULT_DEVICE_RULES is Docker's device cgroup list: deny everything, then allow /dev/zero, null, urandom,
 * random, tty and console, and deny /dev/fuse. runc appends its own defaults (pts, ptmx, tun, ...) after these.
 */
export const DEFAULT_DEVICE_RULES: readonly OciDeviceRule[] = [
  { allow: false, access: 'rwm' },
  allowChar(1, 5),
  allowChar(1, 3),
  allowChar(1, 9),
  allowChar(1, 8),
  allowChar(5, 0),
  allowChar(5, 1),
  { allow: false, type: 'c', major: 10, minor: 229, access: 'rwm' },
];

/**
 * defaultSpec returns a fresh copy of Docker's default Linux spec (moby oci.DefaultLinuxSpec): the 14 default
 * capabilities in the bounding, effective and permitted sets (inheritable and ambient empty), the standard
 * mounts, masked and read-only paths, new mount, network, uts, pid and ipc namespaces, and the device cgroup list.
 * Process args, env, user, root path and everything per container are filled in by SpecOpts.
 */
export function defaultSpec(): OciSpec {
  return {
    ociVersion: OCI_VERSION,
    process: {
      user: { uid: 0, gid: 0 },
      args: [],
      env: [],
      cwd: '/',
      capabilities: {
        bounding: [...DEFAULT_CAPABILITIES],
        effective: [...DEFAULT_CAPABILITIES],
        inheritable: [],
        permitted: [...DEFAULT_CAPABILITIES],
        ambient: [],
      },
    },
    root: { path: 'rootfs' },
    mounts: DEFAULT_MOUNTS.map((m) => ({ ...m, options: [...m.options] })),
    linux: {
      namespaces: [{ type: 'mount' }, { type: 'network' }, { type: 'uts' }, { type: 'pid' }, { type: 'ipc' }],
      devices: [],
      resources: { devices: DEFAULT_DEVICE_RULES.map((d) => ({ ...d })) },
      maskedPaths: [...DEFAULT_MASKED_PATHS],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
    },
  };
}
