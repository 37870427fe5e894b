import fs from 'node:fs';
import os from 'node:os';
import { KNOWN_CAPABILITIES } from './capabilities.js';

/**
 * HostFacts are the few facts about the host that Docker's create-time validation depends on. The service passes
 * real ones (the os layer knows the daemon's bounding capability set); tests pass fixed ones.
 */
export interface HostFacts {
  /** CPUs the daemon may use (Go's runtime.NumCPU): the ceiling of NanoCpus. */
  readonly cpuCount: number;
  /** Capabilities in the daemon's bounding set: what "ALL" and --privileged grant, and what --cap-add may name. */
  readonly capabilities: readonly string[];
  /** Whether a host path exists (HostConfig.Mounts binds must point at an existing path). */
  pathExists(hostPath: string): boolean;
}

/**
 * defaultHostFacts reads the facts from this process: CPU count from Node, every known capability (correct for a
 * root daemon without a reduced bounding set; the os layer should pass the real CapBnd), and a stat for paths.
 */
export function defaultHostFacts(): HostFacts {
  return {
    cpuCount: os.availableParallelism(),
    capabilities: KNOWN_CAPABILITIES,
    pathExists: (p) => fs.existsSync(p),
  };
}
