import path from 'node:path';
import type { BindMountSpec, MountSpec, Propagation, TmpfsMountSpec } from './container-spec.js';
import { mergeTmpfsOptions, splitTmpfsData, TMPFS_DEFAULT_OPTIONS, tmpfsSizeOption } from './tmpfs-options.js';
import { invalidConfig, notImplemented, type WireReader } from './wire-reader.js';

const PROPAGATIONS: readonly string[] = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];
const CONSISTENCY: readonly string[] = ['consistent', 'cached', 'delegated'];

/** MountContext is what mount validation needs besides the request: API version gates and a host path check. */
export interface MountContext {
  readonly apiVersion: (min: string) => boolean;
  readonly pathExists: (hostPath: string) => boolean;
}

// A Binds mode ("ro,rshared,z") is valid when each option is known and no group appears twice (moby linuxValidMountMode).
function validMode(mode: string): boolean {
  if (mode === '') return true;
  const counts = new Map<string, number>();
  for (const o of mode.split(',')) {
    const group = o === 'rw' || o === 'ro' ? 'rw' : o === 'z' || o === 'Z' ? 'label' : PROPAGATIONS.includes(o)
      ? 'propagation' : o === 'nocopy' ? 'copy' : CONSISTENCY.includes(o) ? 'consistency' : undefined;
    if (group === undefined) return false;
    counts.set(group, (counts.get(group) ?? 0) + 1);
  }
  return [...counts.values()].every((n) => n <= 1);
}

/** cleanPath is Go's path.Clean for absolute paths: no duplicate or trailing slashes, no "." or "..". */
export function cleanPath(p: string): string {
  const n = path.posix.normalize(p);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** checkTarget applies Docker's checks on a mount destination and returns it cleaned. */
function checkTarget(target: string): string {
  const p = target.replaceAll('\\', '/');
  if (cleanPath(p) === '/') {
    throw invalidConfig("invalid specification: destination can't be '/'");
  }
  if (!path.posix.isAbsolute(p)) throw invalidConfig(`invalid mount path: '${p}' mount path must be absolute`);
  return cleanPath(p);
}

/**
 * parseBind reads one HostConfig.Binds entry, `host-src:container-dest[:mode]`, as moby's linux ParseMountRaw:
 * errors read "invalid volume specification: '<raw>'" (with the reason after a colon when there is one) or
 * "invalid mode: <mode>". A source that is not an absolute path is a named volume, and a lone destination an
 * anonymous one: both wait for the volumes milestone (NotImplemented).
 */
export function parseBind(raw: string, before144: boolean): BindMountSpec {
  const parts = raw.split(':');
  const bad = (why?: string): Error => invalidConfig(`invalid volume specification: '${raw}'${why ? `: ${why}` : ''}`);
  if (parts[0] === '' || parts.length > 3) throw bad();
  if (parts.length === 2 && validMode(parts[1] as string)) throw bad();
  const [source, target = source, mode = ''] = parts.length === 1 ? [undefined, parts[0]] : parts;
  if (!validMode(mode)) throw invalidConfig(`invalid mode: ${mode}`);
  const opts = mode === '' ? [] : mode.split(',');
  let destination: string;
  try {
    destination = checkTarget(target as string);
  } catch (err) {
    throw bad(`invalid mount config for type "${source?.startsWith('/') ? 'bind' : 'volume'}": ${(err as Error).message}`);
  }
  if (source !== undefined && !source.startsWith('/') && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(source)) {
    throw invalidConfig(
      `create ${source}: "${source}" includes invalid characters for a local volume name, only ` +
        '"[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
    );
  }
  if (source === undefined || !source.startsWith('/')) {
    throw notImplemented(`volumes are not supported yet: '${raw}' (use an absolute host path to bind-mount)`);
  }
  if (opts.includes('nocopy')) {
    throw bad('invalid mount config for type "bind": field VolumeOptions must not be specified');
  }
  const readOnly = opts.includes('ro');
  return {
    type: 'bind',
    source: cleanPath(source),
    destination,
    readOnly,
    propagation: (opts.find((o) => PROPAGATIONS.includes(o)) ?? 'rprivate') as Propagation,
    nonRecursive: false,
    readOnlyNonRecursive: readOnly && before144,
    readOnlyForceRecursive: false,
    createHostPath: true,
  };
}

/**
 * parseTmpfsMap reads HostConfig.Tmpfs ({"/run": "rw,size=64m"}): destinations checked like any mount target,
 * options checked with Docker's tmpfs merge rules up front (Docker only finds a bad option at start).
 */
export function parseTmpfsMap(tmpfs: Readonly<Record<string, string>>): TmpfsMountSpec[] {
  return Object.entries(tmpfs).map(([dest, data]) => {
    const destination = checkTarget(dest);
    const options = splitTmpfsData(data);
    mergeTmpfsOptions([...TMPFS_DEFAULT_OPTIONS, ...options]);
    return { type: 'tmpfs', destination, options };
  });
}

/**
 * readMounts reads HostConfig.Mounts (the `--mount` form). bind and tmpfs are supported; volume and image wait
 * for their milestones; anything else is Docker's "mount type unknown". Version gates follow moby's create route.
 */
export function readMounts(r: WireReader, v: unknown, ctx: MountContext): MountSpec[] {
  return r.objects(v, 'HostConfig.Mounts').map((m, i) => readMount(r, m, `HostConfig.Mounts[${i}]`, ctx));
}

function readMount(r: WireReader, m: Record<string, unknown>, at: string, ctx: MountContext): MountSpec {
  const type = r.str(m.Type, `${at}.Type`);
  const has = (k: string): boolean => m[k] !== undefined && m[k] !== null;
  const fail = (why: string): never => {
    throw invalidConfig(`invalid mount config for type "${type}": ${why}`);
  };
  if (ctx.apiVersion('1.42')) {
    for (const [field, owner] of [['VolumeOptions', 'volume'], ['BindOptions', 'bind'], ['TmpfsOptions', 'tmpfs']]) {
      if (has(field as string) && type !== owner) {
        throw invalidConfig(`${field} must not be specified on mount type "${type}"`);
      }
    }
  }
  if (type === 'image' && !ctx.apiVersion('1.48')) throw invalidConfig('Mount type "Image" needs API v1.48 or newer');
  const target = r.str(m.Target, `${at}.Target`);
  if (target === '') fail('field Target must not be empty');
  let destination = '';
  try {
    destination = checkTarget(target);
  } catch (err) {
    fail((err as Error).message);
  }
  const readOnly = r.bool(m.ReadOnly, `${at}.ReadOnly`);
  if (type === 'bind') return readBindMount(r, m, at, { destination, readOnly, ctx, fail });
  if (type === 'tmpfs') return readTmpfsMount(r, m, at, { destination, readOnly, fail });
  if (type === 'volume' || type === 'image') throw notImplemented(`mount type "${type}" is not supported yet`);
  return fail('mount type unknown');
}

interface MountParts {
  readonly destination: string;
  readonly readOnly: boolean;
  readonly fail: (why: string) => never;
}

function readBindMount(
  r: WireReader,
  m: Record<string, unknown>,
  at: string,
  p: MountParts & { readonly ctx: MountContext },
): BindMountSpec {
  const source = r.str(m.Source, `${at}.Source`);
  if (source === '') p.fail('field Source must not be empty');
  // compat: before API 1.42 a stray VolumeOptions on a bind is dropped, from 1.42 readMount refuses it.
  if (!source.replaceAll('\\', '/').startsWith('/')) p.fail(`invalid mount path: '${source}' mount path must be absolute`);
  const bo = r.optObject(m.BindOptions, `${at}.BindOptions`) ?? {};
  const propagation = r.str(bo.Propagation, `${at}.BindOptions.Propagation`) || 'rprivate';
  if (!PROPAGATIONS.includes(propagation)) p.fail(`invalid propagation mode: ${propagation}`);
  const createHostPath = p.ctx.apiVersion('1.42') && r.bool(bo.CreateMountpoint, `${at}.BindOptions.CreateMountpoint`);
  const forceRecursive = r.bool(bo.ReadOnlyForceRecursive, `${at}.BindOptions.ReadOnlyForceRecursive`);
  if (forceRecursive && !p.ctx.apiVersion('1.44')) {
    throw invalidConfig('BindOptions.ReadOnlyForceRecursive needs API v1.44 or newer');
  }
  const nonRecursiveRo = r.bool(bo.ReadOnlyNonRecursive, `${at}.BindOptions.ReadOnlyNonRecursive`);
  if (!p.readOnly && nonRecursiveRo) throw invalidConfig('mount options conflict: !ReadOnly && BindOptions.ReadOnlyNonRecursive');
  if (!p.readOnly && forceRecursive) throw invalidConfig('mount options conflict: !ReadOnly && BindOptions.ReadOnlyForceRecursive');
  if (nonRecursiveRo && forceRecursive) {
    throw invalidConfig('mount options conflict: ReadOnlyNonRecursive && BindOptions.ReadOnlyForceRecursive');
  }
  const clean = cleanPath(source.replaceAll('\\', '/'));
  if (!createHostPath && !p.ctx.pathExists(clean)) p.fail(`bind source path does not exist: ${source}`);
  return {
    type: 'bind',
    source: clean,
    destination: p.destination,
    readOnly: p.readOnly,
    propagation: propagation as Propagation,
    nonRecursive: p.ctx.apiVersion('1.40') && r.bool(bo.NonRecursive, `${at}.BindOptions.NonRecursive`),
    readOnlyNonRecursive: p.readOnly && (nonRecursiveRo || !p.ctx.apiVersion('1.44')),
    readOnlyForceRecursive: forceRecursive,
    createHostPath,
  };
}

function readTmpfsMount(r: WireReader, m: Record<string, unknown>, at: string, p: MountParts): TmpfsMountSpec {
  if (r.str(m.Source, `${at}.Source`) !== '') p.fail('field Source must not be specified');
  if (m.BindOptions !== undefined && m.BindOptions !== null) p.fail('field BindOptions must not be specified');
  const to = r.optObject(m.TmpfsOptions, `${at}.TmpfsOptions`) ?? {};
  const options: string[] = p.readOnly ? ['ro'] : [];
  const mode = r.int(to.Mode, `${at}.TmpfsOptions.Mode`);
  if (mode < 0) p.fail('invalid tmpfs mode');
  if (mode !== 0) options.push(`mode=${mode.toString(8)}`);
  const size = r.int(to.SizeBytes, `${at}.TmpfsOptions.SizeBytes`);
  if (size < 0) p.fail('invalid tmpfs size');
  if (size !== 0) options.push(tmpfsSizeOption(size));
  options.push(...tmpfsExtra(r, to.Options, at));
  return { type: 'tmpfs', destination: p.destination, options };
}

// TmpfsOptions.Options: [["noexec"], ["exec"]]: Docker 28 accepts only exec and noexec here.
function tmpfsExtra(r: WireReader, v: unknown, at: string): string[] {
  if (v === undefined || v === null) return [];
  return r.array(v, `${at}.TmpfsOptions.Options`, 100).map((item, i) => {
    const opt = r.optStringArray(item, `${at}.TmpfsOptions.Options[${i}]`, 3) ?? [];
    if (opt.length < 1 || opt.length > 2) throw invalidConfig('invalid mount config for type "tmpfs": invalid option array length');
    if (opt[0] !== 'exec' && opt[0] !== 'noexec') {
      throw invalidConfig(`invalid mount config for type "tmpfs": invalid option: ${opt[0]}`);
    }
    return opt.join('=');
  });
}

/** checkDuplicateMounts refuses two mounts on one destination with Docker's "Duplicate mount point: <dest>". */
export function checkDuplicateMounts(mounts: readonly MountSpec[]): void {
  const seen = new Set<string>();
  for (const m of mounts) {
    if (seen.has(m.destination)) throw invalidConfig(`Duplicate mount point: ${m.destination}`);
    seen.add(m.destination);
  }
}
