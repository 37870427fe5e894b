import fs from 'node:fs/promises';
import path from 'node:path';
import { processEnv, replaceOrAppendEnv } from '../../core/container/process-args.js';
import type { ResolvedUser } from '../../core/container/user.js';
import type { OciProcess } from '../../core/oci/spec.js';
import type { TerminalSize } from '../../core/runtime/container-runtime.js';
import type { ContainerRecord } from './container-record.js';

/** BundleConfig is what the exec and metrics use-cases read back from a container's config.json. */
export interface BundleConfig {
  /** The container's init process as the runtime runs it (user, capabilities, rlimits, no-new-privileges...). */
  readonly process?: OciProcess;
  /** linux.cgroupsPath: where the runtime put the container's cgroup ("/wharf/<id>"). */
  readonly cgroupsPath?: string;
}

/**
 * readBundleConfig reads `<bundle>/config.json`, the file wharf wrote at start (never a file of the image), and
 * keeps the parts exec and metrics need. undefined when the container has no bundle (it never started).
 */
export async function readBundleConfig(bundleDir: string): Promise<BundleConfig | undefined> {
  let text: string;
  try {
    text = await fs.readFile(path.join(bundleDir, 'config.json'), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const spec = JSON.parse(text) as { process?: OciProcess; linux?: { cgroupsPath?: unknown } };
  const cgroupsPath = spec.linux?.cgroupsPath;
  return { process: spec.process, ...(typeof cgroupsPath === 'string' ? { cgroupsPath } : {}) };
}

/**
 * execEnv is an exec's environment as moby's ContainerExecCreate computes it: the container's process
 * environment (PATH, HOSTNAME, TERM=xterm with the exec's TTY, then its Config.Env) with the exec's own entries
 * replacing or appended ("KEY" alone removes KEY).
 */
export function execEnv(record: Pick<ContainerRecord, 'config' | 'hostname'>, own: readonly string[], tty: boolean): string[] {
  return replaceOrAppendEnv(processEnv(record.config.env, record.hostname, tty), own);
}

/** ExecProcessInput is everything an exec's OCI process is computed from. */
export interface ExecProcessInput {
  /** The container's process from its config.json; the exec inherits what it does not override. */
  readonly base: OciProcess | undefined;
  readonly argv: readonly string[];
  /** The environment (execEnv). */
  readonly env: readonly string[];
  /** The working directory; "" means "/". */
  readonly cwd: string;
  readonly tty: boolean;
  readonly consoleSize?: TerminalSize;
  /** The resolved identity (the exec's user, else the container's). */
  readonly user: ResolvedUser;
  /** `exec --privileged`: every capability the daemon holds, in the bounding, permitted and effective sets. */
  readonly privileged: boolean;
  /** The daemon's capabilities (SpecHost.capabilities), for `privileged`. */
  readonly allCapabilities: readonly string[];
}

/**
 * execProcessSpec builds the OCI process of an exec as moby's ContainerExecStart + execSetPlatformOpt: the
 * container's process (capabilities, rlimits, no-new-privileges, apparmor, oom score) with the exec's argv, env,
 * cwd, terminal and user; `privileged` lifts the capability sets.
 * Pure. (core/oci has no exec builder; this is the small one the exec use-case needs.)
 */
export function execProcessSpec(input: ExecProcessInput): OciProcess {
  const base = input.base;
  const user = input.user;
  const process: OciProcess = {
    ...(base ?? {}),
    terminal: input.tty,
    user: {
      uid: user.uid,
      gid: user.gid,
      ...(base?.user.umask !== undefined ? { umask: base.user.umask } : {}),
      ...(user.additionalGids.length > 0 ? { additionalGids: [...user.additionalGids] } : {}),
    },
    args: [...input.argv],
    env: [...input.env],
    cwd: input.cwd === '' ? '/' : input.cwd,
  };
  delete process.consoleSize;
  if (input.tty && input.consoleSize !== undefined) process.consoleSize = { ...input.consoleSize };
  if (input.privileged) {
    const all = [...input.allCapabilities];
    process.capabilities = {
      bounding: all,
      permitted: [...all],
      effective: [...all],
      // compat: moby replaces the whole set, leaving inheritable and ambient empty.
      inheritable: [],
      ambient: [],
    };
  }
  return process;
}
