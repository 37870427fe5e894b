import { invalidArgument } from '../../common/errors.js';
import type { ContainerConfig, HealthConfig, ImageConfig } from '../../core/image/oci.js';
import type { ContainerRecord } from './container-record.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const toSet = (keys: readonly string[]): Record<string, object> | undefined =>
  keys.length === 0 ? undefined : Object.fromEntries(keys.map((k) => [k, {}]));

/**
 * containerConfigOf is the container's Config as dockerd keeps it (container.Config: the create request merged with
 * its image's config), in the image config's shape: what `docker commit` starts from.
 */
export function containerConfigOf(record: ContainerRecord, image: ImageConfig): ContainerConfig {
  const c = record.config;
  const spec = record.spec;
  const out: Mutable<ContainerConfig> = { User: c.user, Env: [...c.env], Labels: { ...c.labels } };
  const exposed = toSet(c.exposedPorts);
  if (exposed !== undefined) out.ExposedPorts = exposed;
  if (c.entrypoint !== undefined) out.Entrypoint = [...c.entrypoint];
  if (c.cmd !== undefined) out.Cmd = [...c.cmd];
  const volumes = toSet(c.imageVolumes);
  if (volumes !== undefined) out.Volumes = volumes;
  // The merged config defaults the working directory to "/"; the stored Config keeps what was asked for.
  const workdir = spec.workingDir || image.config?.WorkingDir || '';
  if (workdir !== '') out.WorkingDir = workdir;
  if (c.stopSignal !== undefined) out.StopSignal = c.stopSignal;
  if (c.healthcheck !== undefined) out.Healthcheck = healthConfigOf(c.healthcheck);
  if (spec.argsEscaped || image.config?.ArgsEscaped === true) out.ArgsEscaped = true;
  if (spec.shell.length > 0) out.Shell = [...spec.shell];
  return out;
}

function healthConfigOf(h: NonNullable<ContainerRecord['config']['healthcheck']>): HealthConfig {
  const out: Mutable<HealthConfig> = { Test: [...h.test] };
  if (h.interval !== 0) out.Interval = h.interval;
  if (h.timeout !== 0) out.Timeout = h.timeout;
  if (h.startPeriod !== 0) out.StartPeriod = h.startPeriod;
  if (h.startInterval !== 0) out.StartInterval = h.startInterval;
  if (h.retries !== 0) out.Retries = h.retries;
  return out;
}

/**
 * commitConfigFrom reads the body of `POST /commit` (a container Config) into the image config's shape; an empty
 * body or `null` is undefined (compat: the docker CLI sends no config, and dockerd then uses the container's).
 * Fields an image config does not carry (Hostname, Image, Tty...) are ignored; a wrongly typed field is 400.
 */
export function commitConfigFrom(body: unknown): ContainerConfig | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('the commit body must be a JSON object (a container Config)');
  const b = body as Record<string, unknown>;
  const out: Mutable<ContainerConfig> = {};
  if (b.User != null) out.User = str(b.User, 'User');
  if (b.ExposedPorts != null) out.ExposedPorts = objectSet(b.ExposedPorts, 'ExposedPorts');
  if (b.Env != null) out.Env = strList(b.Env, 'Env');
  if (b.Entrypoint != null) out.Entrypoint = strSlice(b.Entrypoint, 'Entrypoint');
  if (b.Cmd != null) out.Cmd = strSlice(b.Cmd, 'Cmd');
  if (b.Volumes != null) out.Volumes = objectSet(b.Volumes, 'Volumes');
  if (b.WorkingDir != null) out.WorkingDir = str(b.WorkingDir, 'WorkingDir');
  if (b.Labels != null) out.Labels = labels(b.Labels);
  if (b.StopSignal != null) out.StopSignal = str(b.StopSignal, 'StopSignal');
  if (b.OnBuild != null) out.OnBuild = strList(b.OnBuild, 'OnBuild');
  if (b.Shell != null) out.Shell = strList(b.Shell, 'Shell');
  if (b.ArgsEscaped != null) {
    if (typeof b.ArgsEscaped !== 'boolean') throw bad('ArgsEscaped must be a boolean');
    out.ArgsEscaped = b.ArgsEscaped;
  }
  if (b.Healthcheck != null) out.Healthcheck = healthcheck(b.Healthcheck);
  return out;
}

/**
 * mergeCommitConfig fills what the request's config leaves unset from the container's, as dockerd's commit
 * `merge`: user, working directory, stop signal and command when empty; exposed ports, env (by key), labels and
 * volumes added where missing; the health check field by field.
 */
export function mergeCommitConfig(user: ContainerConfig, base: ContainerConfig): ContainerConfig {
  const out: Mutable<ContainerConfig> = { ...user };
  if (!out.User) out.User = base.User;
  out.ExposedPorts = { ...base.ExposedPorts, ...out.ExposedPorts };
  const keys = new Set((out.Env ?? []).map((e) => e.split('=', 1)[0]));
  out.Env = [...(out.Env ?? []), ...(base.Env ?? []).filter((e) => !keys.has(e.split('=', 1)[0]))];
  out.Labels = { ...base.Labels, ...out.Labels };
  if ((out.Entrypoint ?? []).length === 0) {
    if ((out.Cmd ?? []).length === 0) {
      out.Cmd = base.Cmd;
      out.ArgsEscaped = base.ArgsEscaped;
    }
    if (out.Entrypoint === undefined) out.Entrypoint = base.Entrypoint;
  }
  if (base.Healthcheck !== undefined) out.Healthcheck = { ...base.Healthcheck, ...definedHealth(out.Healthcheck) };
  if (!out.WorkingDir) out.WorkingDir = base.WorkingDir;
  out.Volumes = { ...base.Volumes, ...out.Volumes };
  if (!out.StopSignal) out.StopSignal = base.StopSignal;
  return dropEmpty(out);
}

function definedHealth(h: HealthConfig | undefined): Partial<HealthConfig> {
  if (h === undefined) return {};
  const out: Mutable<HealthConfig> = {};
  if ((h.Test ?? []).length > 0) out.Test = h.Test;
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) if ((h[k] ?? 0) !== 0) out[k] = h[k];
  return out;
}

function dropEmpty(c: Mutable<ContainerConfig>): ContainerConfig {
  for (const [k, v] of Object.entries(c)) {
    const empty = v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0 && k !== 'Labels');
    if (empty) delete (c as Record<string, unknown>)[k];
  }
  return c;
}

function bad(message: string): Error {
  return invalidArgument('WHARF_INVALID_COMMIT_CONFIG', message);
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') throw bad(`${field} must be a string`);
  return v;
}

function strList(v: unknown, field: string): string[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw bad(`${field} must be a list of strings`);
  return v as string[];
}

/** strSlice reads Docker's StrSlice: a list of strings, or one string. */
function strSlice(v: unknown, field: string): string[] {
  return typeof v === 'string' ? [v] : strList(v, field);
}

function objectSet(v: unknown, field: string): Record<string, object> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad(`${field} must be an object`);
  return Object.fromEntries(Object.keys(v).map((k) => [k, {}]));
}

function labels(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw bad('Labels must be an object of strings');
  }
  return { ...(v as Record<string, string>) };
}

function healthcheck(v: unknown): HealthConfig {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw bad('Healthcheck must be an object');
  const h = v as Record<string, unknown>;
  const out: Mutable<HealthConfig> = {};
  if (h.Test != null) out.Test = strList(h.Test, 'Healthcheck.Test');
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    const n = h[k];
    if (n == null) continue;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw bad(`Healthcheck.${k} must be a non-negative integer`);
    out[k] = n;
  }
  return out;
}
