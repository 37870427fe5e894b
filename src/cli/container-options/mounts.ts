import { resolve } from 'node:path';
import { ValueError, ramInBytes } from './values.js';

// -v/--volume (compose loader.ParseVolume as docker's parse uses it), --mount (opts.MountOpt) and --tmpfs.

/** VolumeSpec is a parsed `-v` value. */
export interface VolumeSpec {
  type: 'bind' | 'volume';
  source: string;
  target: string;
}

const isLetter = (c: string | undefined): boolean => c !== undefined && /^\p{L}$/u.test(c);

/** parseVolume is compose's ParseVolume: `[source:]target[:options]`, with Windows drive letters kept whole. */
export function parseVolume(spec: string): VolumeSpec {
  const chars = [...spec];
  if (chars.length === 0) throw new ValueError('invalid empty volume spec');
  if (chars.length <= 2) return { type: 'volume', source: '', target: spec };
  const v = { source: '', target: '' };
  let buffer: string[] = [];
  for (const char of [...chars, '\0']) {
    if (char === ':' && buffer.length === 1 && isLetter(buffer[0])) buffer.push(char);
    else if (char === ':' || char === '\0') {
      const err = fillField(char, buffer.join(''), v);
      if (err) throw new ValueError(`invalid spec: ${spec}: ${err}`);
      buffer = [];
    } else buffer.push(char);
  }
  return { type: volumeType(v.source), ...v };
}

function fillField(char: string, s: string, v: { source: string; target: string }): string | undefined {
  if (s === '') return 'empty section between colons';
  if (v.source === '' && char === '\0') v.target = s;
  else if (v.source === '') v.source = s;
  else if (v.target === '') v.target = s;
  else if (char === ':') return 'too many colons';
  // Options (ro, rw, nocopy, propagation) are passed on to the daemon inside the bind string unchanged.
  return undefined;
}

function volumeType(source: string): 'bind' | 'volume' {
  if (source === '') return 'volume';
  const first = source[0];
  if (first === '.' || first === '/' || first === '~') return 'bind';
  const chars = [...source];
  if (chars.length === 1) return 'volume';
  if (source.startsWith('\\\\')) return 'bind';
  return isLetter(chars[0]) && chars[1] === ':' ? 'bind' : 'volume';
}

/**
 * bindsAndVolumes is the -v part of docker's parse: values with a source become HostConfig.Binds (a relative
 * `./x` bind source made absolute), the others anonymous volumes in Config.Volumes. Duplicates collapse.
 */
export function bindsAndVolumes(values: readonly string[], cwd: string): { binds: string[]; volumes: Record<string, Record<string, never>> } {
  const binds: string[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  for (const bind of new Set(values)) {
    const parsed = parseVolume(bind);
    if (parsed.source === '') {
      volumes[bind] = {};
      continue;
    }
    let toBind = bind;
    const colon = bind.indexOf(':');
    if (parsed.type === 'bind' && colon >= 0) {
      const host = bind.slice(0, colon);
      if (!host.startsWith('/') && host.startsWith('.')) toBind = `${resolve(cwd, host)}:${bind.slice(colon + 1)}`;
    }
    binds.push(toBind);
  }
  return { binds, volumes };
}

/** tmpfsMap is docker's --tmpfs handling: `path[:options]` into HostConfig.Tmpfs. */
export function tmpfsMap(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of values) {
    const c = t.indexOf(':');
    out[c < 0 ? t : t.slice(0, c)] = c < 0 ? '' : t.slice(c + 1);
  }
  return out;
}

/** csvFields splits one CSV record as Go's encoding/csv reads it (quoted fields, "" escapes). */
export function csvFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (line[i] === '"') {
      i++;
      for (;;) {
        if (i >= line.length) throw new ValueError(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
        if (line[i] === '"' && line[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (line[i] === '"') {
          i++;
          break;
        } else field += line[i++];
      }
      if (i < line.length && line[i] !== ',') throw new ValueError(`parse error on line 1, column ${i + 1}: extraneous or missing " in quoted-field`);
    } else {
      const end = line.indexOf(',', i);
      field = line.slice(i, end < 0 ? undefined : end);
      const quote = field.indexOf('"');
      if (quote >= 0) throw new ValueError(`parse error on line 1, column ${i + quote + 1}: bare " in non-quoted-field`);
      i = end < 0 ? line.length : end;
    }
    fields.push(field);
    if (i >= line.length) return fields;
    i++;
  }
}

/** MountSpec is one HostConfig.Mounts entry. */
export interface MountSpec {
  Type: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean; ReadOnlyNonRecursive?: boolean; ReadOnlyForceRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; Subpath?: string; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  ImageOptions?: { Subpath?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

function goBool(key: string, val: string): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(val)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(val)) return false;
  throw new ValueError(`invalid value for ${key}: ${val}`);
}

function setKv(target: Record<string, string>, value: string): void {
  const eq = value.indexOf('=');
  const k = eq < 0 ? value : value.slice(0, eq);
  if (k !== '') target[k] = eq < 0 ? '' : value.slice(eq + 1);
}

type MountParts = { m: MountSpec; bind(): NonNullable<MountSpec['BindOptions']>; vol(): NonNullable<MountSpec['VolumeOptions']>; tmpfs(): NonNullable<MountSpec['TmpfsOptions']> };

function applyFlagOnly(p: MountParts, key: string, field: string): void {
  if (key === 'readonly' || key === 'ro') p.m.ReadOnly = true;
  else if (key === 'volume-nocopy') p.vol().NoCopy = true;
  else if (key === 'bind-nonrecursive') p.bind().NonRecursive = true;
  else throw new ValueError(`invalid field '${field}' must be a key=value pair`);
}

const BIND_RECURSIVE: Readonly<Record<string, (b: NonNullable<MountSpec['BindOptions']>) => void>> = {
  enabled: () => undefined,
  disabled: (b) => (b.NonRecursive = true),
  writable: (b) => (b.ReadOnlyNonRecursive = true),
  readonly: (b) => (b.ReadOnlyForceRecursive = true),
};

function applyField(p: MountParts, key: string, val: string, field: string, cwd: string): void {
  const { m } = p;
  switch (key) {
    case 'type': m.Type = val.toLowerCase(); return;
    case 'source': case 'src':
      m.Source = !val.startsWith('/') && val.startsWith('.') ? resolve(cwd, val) : val;
      return;
    case 'target': case 'dst': case 'destination': m.Target = val; return;
    case 'readonly': case 'ro': m.ReadOnly = goBool(key, val); return;
    case 'consistency': m.Consistency = val.toLowerCase(); return;
    case 'bind-propagation': p.bind().Propagation = val.toLowerCase(); return;
    case 'bind-nonrecursive': p.bind().NonRecursive = goBool(key, val); return;
    case 'bind-recursive': {
      const f = BIND_RECURSIVE[val];
      if (!f) throw new ValueError(`invalid value for ${key}: ${val} (must be "enabled", "disabled", "writable", or "readonly")`);
      f(p.bind());
      return;
    }
    case 'volume-subpath': p.vol().Subpath = val; return;
    case 'volume-nocopy':
      try {
        p.vol().NoCopy = goBool(key, val);
      } catch {
        throw new ValueError(`invalid value for volume-nocopy: ${val}`);
      }
      return;
    case 'volume-label': setKv((p.vol().Labels ??= {}), val); return;
    case 'volume-driver': (p.vol().DriverConfig ??= {}).Name = val; return;
    case 'volume-opt': setKv(((p.vol().DriverConfig ??= {}).Options ??= {}), val); return;
    case 'image-subpath': (m.ImageOptions ??= {}).Subpath = val; return;
    case 'tmpfs-size':
      try {
        p.tmpfs().SizeBytes = ramInBytes(val);
      } catch {
        throw new ValueError(`invalid value for ${key}: ${val}`);
      }
      return;
    case 'tmpfs-mode':
      if (!/^[0-7]+$/.test(val) || Number.parseInt(val, 8) > 0xffffffff) throw new ValueError(`invalid value for ${key}: ${val}`);
      p.tmpfs().Mode = Number.parseInt(val, 8);
      return;
    default:
      throw new ValueError(`unexpected key '${key}' in '${field}'`);
  }
}

function checkMount(m: MountSpec): void {
  if (m.Type === '') throw new ValueError('type is required');
  if (!m.Target) throw new ValueError('target is required');
  const mixes: [unknown, string, string][] = [
    [m.VolumeOptions, 'volume', 'volume-*'],
    [m.ImageOptions, 'image', 'image-*'],
    [m.BindOptions, 'bind', 'bind-*'],
    [m.TmpfsOptions, 'tmpfs', 'tmpfs-*'],
  ];
  for (const [opts, type, name] of mixes) {
    if (opts !== undefined && m.Type !== type) throw new ValueError(`cannot mix '${name}' options with mount type '${m.Type}'`);
  }
  const b = m.BindOptions;
  if (b?.ReadOnlyNonRecursive && !m.ReadOnly) throw new ValueError("option 'bind-recursive=writable' requires 'readonly' to be specified in conjunction");
  if (b?.ReadOnlyForceRecursive) {
    if (!m.ReadOnly) throw new ValueError("option 'bind-recursive=readonly' requires 'readonly' to be specified in conjunction");
    if (b.Propagation !== 'rprivate') throw new ValueError("option 'bind-recursive=readonly' requires 'bind-propagation=rprivate' to be specified in conjunction");
  }
}

/** parseMount is docker's MountOpt.Set: one `--mount type=bind,source=...,target=...,readonly` value. */
export function parseMount(value: string, cwd: string): MountSpec {
  const m: MountSpec = { Type: 'volume' };
  const p: MountParts = {
    m,
    bind: () => (m.BindOptions ??= {}),
    vol: () => (m.VolumeOptions ??= { Labels: {}, DriverConfig: {} }),
    tmpfs: () => (m.TmpfsOptions ??= {}),
  };
  for (const field of csvFields(value)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).toLowerCase();
    if (eq < 0) applyFlagOnly(p, key, field);
    else applyField(p, key, field.slice(eq + 1), field, cwd);
  }
  checkMount(m);
  return m;
}

