import fs from 'node:fs/promises';
import type { SeccompArg } from './spec.js';
import { invalidSeccompProfile, type SeccompFilter, type SeccompProfile, type SeccompRule } from './seccomp.js';

/** DEFAULT_SECCOMP_PROFILE_PATH is Docker's default profile as Debian ships it (golang-github-containers-common). */
export const DEFAULT_SECCOMP_PROFILE_PATH = '/usr/share/containers/seccomp.json';

/** MAX_SECCOMP_PROFILE_BYTES bounds a profile (the stock one is 16 KiB; clients send theirs in the request). */
export const MAX_SECCOMP_PROFILE_BYTES = 1 << 20;

type Obj = Record<string, unknown>;

// compat: Go's encoding/json matches field names case-insensitively; so does this reader.
function field(o: Obj, name: string): unknown {
  if (name in o) return o[name];
  const lower = name.toLowerCase();
  const key = Object.keys(o).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : o[key];
}

function obj(v: unknown, at: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw invalidSeccompProfile(`${at}: expected an object`);
  return v as Obj;
}

function str(v: unknown, at: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidSeccompProfile(`${at}: expected a string`);
  return v;
}

function uint(v: unknown, at: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalidSeccompProfile(`${at}: expected an unsigned integer`);
  return v;
}

function strings(v: unknown, at: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) throw invalidSeccompProfile(`${at}: expected an array of strings`);
  return v.map((s, i) => str(s, `${at}[${i}]`) ?? '');
}

function objects(v: unknown, at: string): Obj[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw invalidSeccompProfile(`${at}: expected an array`);
  return v.map((o, i) => obj(o, `${at}[${i}]`) ?? {});
}

function filter(v: unknown, at: string): SeccompFilter | undefined {
  const o = obj(v, at);
  if (o === undefined) return undefined;
  const minKernel = str(field(o, 'minKernel'), `${at}.minKernel`);
  if (minKernel) {
    const m = /^(\d+)\.(\d+)$/.exec(minKernel);
    if (!m || (Number(m[1]) === 0 && Number(m[2]) === 0) || Number(m[1]) > 255 || Number(m[2]) > 255) {
      throw invalidSeccompProfile(`invalid kernel version: ${JSON.stringify(minKernel)}, expected "<kernel>.<major>"`);
    }
  }
  const caps = strings(field(o, 'caps'), `${at}.caps`);
  const arches = strings(field(o, 'arches'), `${at}.arches`);
  return { ...(caps ? { caps } : {}), ...(arches ? { arches } : {}), ...(minKernel ? { minKernel } : {}) };
}

function arg(o: Obj, at: string): SeccompArg {
  const op = str(field(o, 'op'), `${at}.op`) ?? '';
  const valueTwo = uint(field(o, 'valueTwo'), `${at}.valueTwo`);
  return {
    index: uint(field(o, 'index'), `${at}.index`) ?? 0,
    value: uint(field(o, 'value'), `${at}.value`) ?? 0,
    ...(valueTwo ? { valueTwo } : {}),
    op,
  };
}

function rule(o: Obj, at: string): SeccompRule {
  const name = str(field(o, 'name'), `${at}.name`);
  const names = strings(field(o, 'names'), `${at}.names`) ?? [];
  if (name && names.length > 0) {
    throw invalidSeccompProfile("both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'");
  }
  const errnoRet = uint(field(o, 'errnoRet'), `${at}.errnoRet`);
  const args = objects(field(o, 'args'), `${at}.args`).map((a, i) => arg(a, `${at}.args[${i}]`));
  const includes = filter(field(o, 'includes'), `${at}.includes`);
  const excludes = filter(field(o, 'excludes'), `${at}.excludes`);
  return {
    names: name ? [name] : names,
    action: str(field(o, 'action'), `${at}.action`) ?? '',
    ...(errnoRet !== undefined ? { errnoRet } : {}),
    ...(args.length > 0 ? { args } : {}),
    ...(includes ? { includes } : {}),
    ...(excludes ? { excludes } : {}),
  };
}

/**
 * parseSeccompProfile decodes a Docker-format seccomp profile (the file content `--security-opt seccomp=<file>`
 * sends, or the stock profile). A malformed profile is InvalidArgument "Decoding seccomp profile failed: ...".
 */
export function parseSeccompProfile(text: string): SeccompProfile {
  if (Buffer.byteLength(text) > MAX_SECCOMP_PROFILE_BYTES) throw invalidSeccompProfile('profile larger than 1 MiB');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw invalidSeccompProfile((err as Error).message);
  }
  const o = obj(raw, 'profile') ?? {};
  const architectures = strings(field(o, 'architectures'), 'architectures');
  const archMap = objects(field(o, 'archMap'), 'archMap').map((a, i) => ({
    architecture: str(field(a, 'architecture'), `archMap[${i}].architecture`) ?? '',
    subArchitectures: strings(field(a, 'subArchitectures'), `archMap[${i}].subArchitectures`) ?? [],
  }));
  if (architectures && architectures.length > 0 && archMap.length > 0) {
    throw invalidSeccompProfile(
      "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'",
    );
  }
  const defaultErrnoRet = uint(field(o, 'defaultErrnoRet'), 'defaultErrnoRet');
  const flags = strings(field(o, 'flags'), 'flags');
  const listenerPath = str(field(o, 'listenerPath'), 'listenerPath');
  const listenerMetadata = str(field(o, 'listenerMetadata'), 'listenerMetadata');
  return {
    defaultAction: str(field(o, 'defaultAction'), 'defaultAction') ?? '',
    ...(defaultErrnoRet !== undefined ? { defaultErrnoRet } : {}),
    ...(architectures ? { architectures } : {}),
    ...(archMap.length > 0 ? { archMap } : {}),
    ...(flags ? { flags } : {}),
    ...(listenerPath ? { listenerPath } : {}),
    ...(listenerMetadata ? { listenerMetadata } : {}),
    syscalls: objects(field(o, 'syscalls'), 'syscalls').map((r, i) => rule(r, `syscalls[${i}]`)),
  };
}

const cache = new Map<string, Promise<SeccompProfile>>();

/**
 * loadSeccompProfile reads and parses a profile file once per path and keeps the parsed form (the stock profile
 * is read on every container start otherwise). A failed read is not cached, so a later call retries.
 */
export function loadSeccompProfile(file: string = DEFAULT_SECCOMP_PROFILE_PATH): Promise<SeccompProfile> {
  let p = cache.get(file);
  if (p === undefined) {
    p = fs.readFile(file, 'utf8').then(parseSeccompProfile);
    p.catch(() => cache.delete(file));
    cache.set(file, p);
  }
  return p;
}
