import fs from 'node:fs/promises';
import os from 'node:os';

/** HostFacts describe the machine wharfd runs on, as `docker info` reports it. */
export interface HostFacts {
  readonly hostname: string;
  readonly ncpu: number;
  readonly memTotal: number;
  /** `uname -r`. */
  readonly kernelVersion: string;
  /** The distribution's PRETTY_NAME, e.g. "Debian GNU/Linux 12 (bookworm)". */
  readonly operatingSystem: string;
  /** The distribution's VERSION_ID, e.g. "12". */
  readonly osVersion: string;
  readonly osType: string;
  /** `uname -m`, e.g. x86_64. */
  readonly architecture: string;
  readonly cgroupVersion: '1' | '2';
}

/** parseOsRelease reads the KEY=value lines of an os-release file (values may be quoted). */
export function parseOsRelease(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m === null) continue;
    out[m[1] as string] = (m[2] as string).replace(/^(["'])(.*)\1$/, '$2');
  }
  return out;
}

async function readOsRelease(): Promise<Record<string, string>> {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      return parseOsRelease(await fs.readFile(file, 'utf8'));
    } catch {
      // try the next one
    }
  }
  return {};
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * detectHostFacts reads the host facts from node:os and two world-readable files: the os-release file, and whether
 * /sys/fs/cgroup is the unified (v2) hierarchy. It runs once at daemon start-up.
 */
export async function detectHostFacts(): Promise<HostFacts> {
  const release = await readOsRelease();
  return {
    hostname: os.hostname(),
    ncpu: os.availableParallelism(),
    memTotal: os.totalmem(),
    kernelVersion: os.release(),
    operatingSystem: release['PRETTY_NAME'] ?? release['NAME'] ?? os.type(),
    osVersion: release['VERSION_ID'] ?? '',
    osType: os.platform(),
    architecture: os.machine(),
    cgroupVersion: (await exists('/sys/fs/cgroup/cgroup.controllers')) ? '2' : '1',
  };
}
