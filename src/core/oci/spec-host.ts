import fs from 'node:fs';
import os from 'node:os';
import { KNOWN_CAPABILITIES } from '../container/capabilities.js';
import { nativeSeccompArch } from './seccomp.js';

/**
 * SpecHost are the facts about the host a config.json depends on. buildSpec takes them as input so that it stays
 * pure; defaultSpecHost reads them from this process, and the os layer may know better (notably the daemon's real
 * bounding capability set from /proc/self/status CapBnd: use capabilitiesFromMask).
 */
export interface SpecHost {
  /** libseccomp architecture name ("amd64", "arm64", ...), for seccomp rule selection. */
  readonly arch: string;
  /** Kernel release (os.release()), for seccomp minKernel rules. */
  readonly kernelRelease: string;
  /** The daemon's bounding capabilities: what privileged and "ALL" grant. */
  readonly capabilities: readonly string[];
  /** The host's name: a host-network container without its own hostname takes it. */
  readonly hostname: string;
  /** cgroup v2 (unified) host: decides the default cgroup namespace mode. */
  readonly cgroupV2: boolean;
  /** The runtime and kernel support recursively read-only binds ("rro": runc >= 1.1, Linux >= 5.12). */
  readonly recursiveReadOnly: boolean;
  /** Extra paths to mask (Docker masks each existing /sys/devices/system/cpu/cpuN/thermal_throttle). */
  readonly extraMaskedPaths: readonly string[];
}

const CGROUP2_SUPER_MAGIC = 0x63677270;

function kernelAtLeast(release: string, major: number, minor: number): boolean {
  const [k = 0, m = 0] = release.split(/[.-]/).map((p) => Number.parseInt(p, 10) || 0);
  return k > major || (k === major && m >= minor);
}

function thermalThrottlePaths(): string[] {
  const out: string[] = [];
  for (let cpu = 0; cpu < os.cpus().length; cpu++) {
    const p = `/sys/devices/system/cpu/cpu${cpu}/thermal_throttle`;
    if (fs.existsSync(p)) out.push(p);
  }
  return out;
}

/** defaultSpecHost reads the host facts from this process (arch, kernel, hostname, cgroup mode, thermal paths). */
export function defaultSpecHost(): SpecHost {
  let cgroupV2 = false;
  try {
    cgroupV2 = fs.statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC;
  } catch {
    // no cgroup filesystem mounted: treat as v1, the conservative choice.
  }
  const kernelRelease = os.release();
  return {
    arch: nativeSeccompArch(os.arch(), os.endianness()),
    kernelRelease,
    capabilities: KNOWN_CAPABILITIES,
    hostname: os.hostname(),
    cgroupV2,
    recursiveReadOnly: kernelAtLeast(kernelRelease, 5, 12),
    extraMaskedPaths: thermalThrottlePaths(),
  };
}

/** INIT_BINARIES are the hosts' init programs for `--init`, in order of preference (Debian's catatonit, tini). */
export const INIT_BINARIES: readonly string[] = ['/usr/bin/catatonit', '/usr/bin/tini'];

/** findInitBinary returns the first init program present on the host, or undefined. */
export function findInitBinary(candidates: readonly string[] = INIT_BINARIES): string | undefined {
  return candidates.find((p) => fs.existsSync(p));
}
