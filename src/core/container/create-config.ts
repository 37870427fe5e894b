import type { ContainerSpec } from './container-spec.js';
import { healthcheckWarnings, readHealthcheck } from './healthcheck.js';
import { readHostConfig } from './host-config.js';
import { defaultHostFacts, type HostFacts } from './host-facts.js';
import { cleanPath } from './mount-spec.js';
import { normalizePortKey } from './network-spec.js';
import { parseSignal } from './signal.js';
import { invalidConfig, notImplemented, WireReader } from './wire-reader.js';

/** MAX_HOSTNAME_BYTES is Linux's HOST_NAME_MAX, Docker's limit for Config.Hostname. */
export const MAX_HOSTNAME_BYTES = 64;

/** apiAtLeast tells whether the request's API version ("1.44") is `min` or newer. */
export function apiAtLeast(apiVersion: string, min: string): boolean {
  const [a = 0, b = 0] = apiVersion.split('.').map(Number);
  const [c = 0, d = 0] = min.split('.').map(Number);
  return a !== c ? a > c : b >= d;
}

/** ConfigPart is the Config half of a ContainerSpec (the fields at the top level of the create body). */
type ConfigPart = Pick<
  ContainerSpec,
  | 'image' | 'hostname' | 'domainname' | 'user' | 'attachStdin' | 'attachStdout' | 'attachStderr' | 'tty'
  | 'openStdin' | 'stdinOnce' | 'env' | 'cmd' | 'entrypoint' | 'workingDir' | 'labels' | 'stopSignal'
  | 'stopTimeout' | 'healthcheck' | 'exposedPorts' | 'argsEscaped' | 'shell'
>;

function readEnv(r: WireReader, v: unknown): string[] {
  const env = r.strings(v, 'Env');
  for (const e of env) {
    // compat: moby opts.ValidateEnv: the key must not be empty ("", "=foo").
    if (e.split('=', 1)[0] === '') throw invalidConfig(`invalid environment variable: ${e}`);
  }
  return env;
}

function readWorkingDir(r: WireReader, v: unknown): string {
  const wd = r.str(v, 'WorkingDir');
  if (wd === '') return '';
  if (!wd.startsWith('/')) throw invalidConfig(`the working directory '${wd}' is invalid, it needs to be an absolute path`);
  return cleanPath(wd);
}

function readHostname(r: WireReader, v: unknown): string {
  const hostname = r.str(v, 'Hostname');
  if (Buffer.byteLength(hostname) > MAX_HOSTNAME_BYTES) {
    throw invalidConfig(`hostname ${JSON.stringify(hostname)} is too long (maximum ${MAX_HOSTNAME_BYTES} bytes)`);
  }
  return hostname;
}

function readStopTimeout(r: WireReader, v: unknown): number | undefined {
  const t = r.optInt(v, 'StopTimeout');
  if (t !== undefined && t < -1) throw invalidConfig(`invalid StopTimeout ${t}: use -1 to wait forever`);
  return t;
}

function readConfig(r: WireReader, o: Record<string, unknown>, apiVersion: string, warnings: string[]): ConfigPart {
  const stopSignal = r.str(o.StopSignal, 'StopSignal');
  if (stopSignal !== '') parseSignal(stopSignal);
  const cmd = r.strSlice(o.Cmd, 'Cmd');
  const entrypoint = r.strSlice(o.Entrypoint, 'Entrypoint');
  const stopTimeout = readStopTimeout(r, o.StopTimeout);
  const healthcheck = readHealthcheck(r, o.Healthcheck, !apiAtLeast(apiVersion, '1.44'));
  warnings.push(...healthcheckWarnings(healthcheck));
  if (r.keys(o.Volumes, 'Volumes').length > 0) throw notImplemented('anonymous volumes (-v /path) are not supported yet');
  if (r.str(o.MacAddress, 'MacAddress') !== '') warnings.push('MacAddress is ignored: containers have no network interface but loopback yet');
  return {
    image: r.str(o.Image, 'Image'),
    hostname: readHostname(r, o.Hostname),
    domainname: r.str(o.Domainname, 'Domainname'),
    user: r.str(o.User, 'User'),
    attachStdin: r.bool(o.AttachStdin, 'AttachStdin'),
    attachStdout: r.bool(o.AttachStdout, 'AttachStdout'),
    attachStderr: r.bool(o.AttachStderr, 'AttachStderr'),
    tty: r.bool(o.Tty, 'Tty'),
    openStdin: r.bool(o.OpenStdin, 'OpenStdin'),
    stdinOnce: r.bool(o.StdinOnce, 'StdinOnce'),
    env: readEnv(r, o.Env),
    ...(cmd !== undefined ? { cmd } : {}),
    ...(entrypoint !== undefined ? { entrypoint } : {}),
    workingDir: readWorkingDir(r, o.WorkingDir),
    labels: r.map(o.Labels, 'Labels'),
    ...(stopSignal !== '' ? { stopSignal } : {}),
    ...(stopTimeout !== undefined ? { stopTimeout } : {}),
    ...(healthcheck !== undefined ? { healthcheck } : {}),
    exposedPorts: [...new Set(r.keys(o.ExposedPorts, 'ExposedPorts').map(normalizePortKey))],
    argsEscaped: r.bool(o.ArgsEscaped, 'ArgsEscaped'),
    shell: r.strSlice(o.Shell, 'Shell') ?? [],
  };
}

/**
 * validateCreateRequest turns the JSON body of `POST /containers/create` (Docker's Config fields at the top level,
 * plus HostConfig and NetworkingConfig) into a validated ContainerSpec, as dockerd would accept it for the given
 * API version ("1.50"; the route's version gates apply). Every refusal is a WharfError: InvalidArgument
 * (WHARF_INVALID_CONTAINER_CONFIG) with Docker's wording where Docker has one, or NotImplemented
 * (WHARF_CONTAINER_OPTION_NOT_IMPLEMENTED) for an option wharf does not support yet. Docker's warnings for the
 * create response are in `spec.warnings`.
 *
 * Pure apart from `host` (CPU count, capability set, bind source existence), which tests replace.
 * Checks that need the image (no command, user names) happen later: see resolveProcess and resolveUser.
 */
export function validateCreateRequest(body: unknown, apiVersion: string, host: HostFacts = defaultHostFacts()): ContainerSpec {
  const r = new WireReader();
  if (body === null || body === undefined) throw invalidConfig('config cannot be empty in order to create a container');
  const o = r.object(body, '');
  const hostConfig = r.optObject(o.HostConfig, 'HostConfig') ?? {};
  const networkingConfig = r.optObject(o.NetworkingConfig, 'NetworkingConfig');
  const configKeys = Object.keys(o).filter((k) => k !== 'HostConfig' && k !== 'NetworkingConfig');
  if (configKeys.length === 0) throw invalidConfig('config cannot be empty in order to create a container');
  const warnings: string[] = [];
  const config = readConfig(r, o, apiVersion, warnings);
  const hostPart = readHostConfig(
    r,
    {
      hostConfig,
      networkingConfig,
      hostname: config.hostname,
      networkDisabled: r.bool(o.NetworkDisabled, 'NetworkDisabled'),
      apiAtLeast: (min) => apiAtLeast(apiVersion, min),
      host,
    },
    warnings,
  );
  return { ...config, ...hostPart, warnings };
}
