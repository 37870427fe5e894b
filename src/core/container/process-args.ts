import type { ContainerConfig } from '../image/oci.js';
import type { ContainerSpec, HealthcheckSpec } from './container-spec.js';
import { mergeHealthcheck } from './healthcheck.js';
import { cleanPath } from './mount-spec.js';
import { invalidConfig } from './wire-reader.js';

/** DEFAULT_PATH is the PATH a container gets when neither the image nor the request sets one (Docker's). */
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * MergedConfig is a container's configuration after combining the request with the image config, as Docker
 * stores it in the container's Config (what `docker inspect` shows) and runs it.
 */
export interface MergedConfig {
  /** Docker's Path and Args: the executable and its arguments (inspect shows them separately). */
  readonly path: string;
  readonly args: readonly string[];
  /** Entrypoint and Cmd after the merge (Config.Entrypoint / Config.Cmd of inspect). */
  readonly entrypoint?: readonly string[];
  readonly cmd?: readonly string[];
  /** Config.Env: the container's entries, then the image's whose key the container did not set. */
  readonly env: readonly string[];
  /** Absolute working directory; "/" when neither sets one. */
  readonly workingDir: string;
  /** The user spec to resolve ("" = root). */
  readonly user: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly exposedPorts: readonly string[];
  /** The image's VOLUME paths (anonymous volumes Docker would create; wharf has no volumes yet). */
  readonly imageVolumes: readonly string[];
  readonly stopSignal?: string;
  readonly healthcheck?: HealthcheckSpec;
}

const keyOf = (e: string): string => e.split('=', 1)[0] as string;

/** mergeEnv combines Env lists as moby's merge: the container's first, then the image's with keys not yet set. */
export function mergeEnv(own: readonly string[], image: readonly string[]): string[] {
  if (own.length === 0) return [...image];
  const keys = new Set(own.map(keyOf));
  return [...own, ...image.filter((e) => !keys.has(keyOf(e)))];
}

/**
 * combineCommand applies Docker's ENTRYPOINT/CMD rules (moby merge + mergeAndVerifyConfig + getEntrypointAndArgs):
 * - no Entrypoint in the request (absent/null): the image's Entrypoint, and the image's Cmd unless the request
 *   has one; an explicit empty Entrypoint ([] from the API) keeps the image's Cmd but drops its Entrypoint;
 * - a request Entrypoint replaces the image's and also drops the image's Cmd (`--entrypoint x` runs just x);
 * - [""] (`--entrypoint ""`) clears the Entrypoint, and the image's Cmd is not used either;
 * - nothing left to run is Docker's "no command specified".
 * Shell forms are already ["/bin/sh", "-c", "..."] in image configs, so they combine like any array.
 */
export function combineCommand(
  own: Pick<ContainerSpec, 'entrypoint' | 'cmd'>,
  image: Pick<ContainerConfig, 'Entrypoint' | 'Cmd'> | undefined,
): { entrypoint?: readonly string[]; cmd?: readonly string[]; argv: string[] } {
  let entrypoint = own.entrypoint;
  let cmd = own.cmd;
  if (entrypoint === undefined || entrypoint.length === 0) {
    if (cmd === undefined || cmd.length === 0) cmd = image?.Cmd;
    if (entrypoint === undefined) entrypoint = image?.Entrypoint;
  }
  if (entrypoint?.length === 1 && entrypoint[0] === '') entrypoint = undefined;
  const argv = [...(entrypoint ?? []), ...(cmd ?? [])];
  if (!entrypoint?.length && !cmd?.length) throw invalidConfig('no command specified');
  return { ...(entrypoint ? { entrypoint } : {}), ...(cmd ? { cmd } : {}), argv };
}

/**
 * mergeImageConfig combines a validated ContainerSpec with its image's config the way dockerd does at create:
 * command (combineCommand), Env (mergeEnv), WORKDIR, USER, labels (the request's win), exposed ports (union),
 * STOPSIGNAL and HEALTHCHECK (field by field). Throws "no command specified" when there is nothing to run.
 */
export function mergeImageConfig(spec: ContainerSpec, image: ContainerConfig | undefined): MergedConfig {
  const { entrypoint, cmd, argv } = combineCommand(spec, image);
  const [path = '', ...args] = argv;
  const wd = spec.workingDir || image?.WorkingDir || '';
  const healthcheck = mergeHealthcheck(spec.healthcheck, image?.Healthcheck);
  const stopSignal = spec.stopSignal || image?.StopSignal;
  return {
    path,
    args,
    ...(entrypoint ? { entrypoint } : {}),
    ...(cmd ? { cmd } : {}),
    env: mergeEnv(spec.env, image?.Env ?? []),
    // compat: old images may carry a relative WORKDIR; the runtime needs an absolute one.
    workingDir: wd === '' ? '/' : cleanPath(wd.startsWith('/') ? wd : `/${wd}`),
    user: spec.user || image?.User || '',
    labels: { ...(image?.Labels ?? {}), ...spec.labels },
    exposedPorts: [...new Set([...spec.exposedPorts, ...Object.keys(image?.ExposedPorts ?? {})])],
    imageVolumes: Object.keys(image?.Volumes ?? {}),
    ...(stopSignal ? { stopSignal } : {}),
    ...(healthcheck ? { healthcheck } : {}),
  };
}

/**
 * replaceOrAppendEnv is moby's ReplaceOrAppendEnvValues: each override replaces the default with its key or is
 * appended; an override without "=" removes that key from the defaults.
 */
export function replaceOrAppendEnv(defaults: readonly string[], overrides: readonly string[]): string[] {
  const out: (string | undefined)[] = [...defaults];
  const index = new Map(defaults.map((e, i) => [keyOf(e), i]));
  for (const value of overrides) {
    const i = index.get(keyOf(value));
    if (!value.includes('=')) {
      if (i !== undefined) out[i] = undefined;
    } else if (i !== undefined) {
      out[i] = value;
    } else {
      out.push(value);
    }
  }
  return out.filter((e): e is string => e !== undefined);
}

/**
 * processEnv is the environment the container's process starts with (moby CreateDaemonEnvironment): PATH
 * (Docker's default unless the config sets one), HOSTNAME, TERM=xterm with a TTY, then the merged Config.Env.
 */
export function processEnv(configEnv: readonly string[], hostname: string, tty: boolean): string[] {
  const defaults = [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${hostname}`, ...(tty ? ['TERM=xterm'] : [])];
  return replaceOrAppendEnv(defaults, configEnv);
}
