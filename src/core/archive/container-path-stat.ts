import type { BigIntStats, Stats } from 'node:fs';
import path from 'node:path';
import { FILE_TYPE } from './special-file-ops.js';

/**
 * GO_MODE holds Go's os.FileMode type bits, which Docker's stat header carries (the docker CLI decodes the number
 * as a Go FileMode: `Mode.IsDir()`, `Mode&os.ModeSymlink`). Written as powers of two because JavaScript's `<<`
 * works on signed 32-bit integers and 1<<31 would be negative.
 */
export const GO_MODE = {
  dir: 2 ** 31,
  append: 2 ** 30,
  exclusive: 2 ** 29,
  temporary: 2 ** 28,
  symlink: 2 ** 27,
  device: 2 ** 26,
  namedPipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
  irregular: 2 ** 19,
} as const;

/** goFileMode converts a Unix st_mode to Go's os.FileMode, exactly as Go's os.Lstat does on Linux. */
export function goFileMode(stMode: number): number {
  let mode = stMode & 0o777;
  switch (stMode & FILE_TYPE.S_IFMT) {
    case FILE_TYPE.S_IFBLK:
      mode += GO_MODE.device;
      break;
    case FILE_TYPE.S_IFCHR:
      mode += GO_MODE.device + GO_MODE.charDevice;
      break;
    case FILE_TYPE.S_IFDIR:
      mode += GO_MODE.dir;
      break;
    case FILE_TYPE.S_IFIFO:
      mode += GO_MODE.namedPipe;
      break;
    case FILE_TYPE.S_IFLNK:
      mode += GO_MODE.symlink;
      break;
    case S_IFSOCK:
      mode += GO_MODE.socket;
      break;
    default:
      break;
  }
  if ((stMode & 0o2000) !== 0) mode += GO_MODE.setgid;
  if ((stMode & 0o4000) !== 0) mode += GO_MODE.setuid;
  if ((stMode & 0o1000) !== 0) mode += GO_MODE.sticky;
  return mode;
}

const S_IFSOCK = 0o140000;

/** PathStat is Docker's ContainerPathStat, the JSON of the X-Docker-Container-Path-Stat header, field for field. */
export interface PathStat {
  readonly name: string;
  readonly size: number;
  /** Go os.FileMode bits (goFileMode). */
  readonly mode: number;
  /** RFC 3339 with nanoseconds, as Go's time.Time marshals. */
  readonly mtime: string;
  /** For a symlink, the container path it finally resolves to (as far as it exists); "" otherwise. */
  readonly linkTarget: string;
}

/** pathStatOf builds a PathStat from an lstat result (bigint stats keep the nanoseconds of mtime). */
export function pathStatOf(name: string, st: BigIntStats | Stats, linkTarget: string): PathStat {
  const mtimeNs = typeof st.mtimeMs === 'bigint' ? (st as BigIntStats).mtimeNs : BigInt(Math.round(st.mtimeMs * 1e6));
  return { name, size: Number(st.size), mode: goFileMode(Number(st.mode)), mtime: rfc3339Nano(mtimeNs), linkTarget };
}

/**
 * rfc3339Nano formats nanoseconds since the epoch as Go's time.RFC3339Nano in UTC: the fraction without trailing
 * zeros, none at all when it is zero ("2024-05-01T10:00:00.5Z", "2024-05-01T10:00:00Z").
 */
export function rfc3339Nano(ns: bigint): string {
  const seconds = ns / 1_000_000_000n - (ns < 0n && ns % 1_000_000_000n !== 0n ? 1n : 0n);
  const frac = ns - seconds * 1_000_000_000n;
  const base = new Date(Number(seconds) * 1000).toISOString().slice(0, 19);
  const digits = frac === 0n ? '' : `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}`;
  return `${base}${digits}Z`;
}

/** encodePathStat is the X-Docker-Container-Path-Stat header value: base64 of the stat's JSON. */
export function encodePathStat(stat: PathStat): string {
  const json = JSON.stringify({ name: stat.name, size: stat.size, mode: stat.mode, mtime: stat.mtime, linkTarget: stat.linkTarget });
  return Buffer.from(json, 'utf8').toString('base64');
}

/**
 * dockerAbsPath is the absolute, cleaned form Docker gives a requested container path (filepath.Join("/", p) then
 * PreserveTrailingDotOrSeparator): "." components and ".." are resolved lexically, but a trailing "/." or "/" of
 * the request is kept, because it means "the directory's contents" or "must be a directory" to `docker cp`.
 */
export function dockerAbsPath(userPath: string): string {
  let abs = path.posix.normalize(`/${userPath}`);
  if (abs.length > 1) abs = abs.replace(/\/+$/, '');
  if (userPath === '.' || userPath.endsWith('/.')) return abs === '/' ? '/.' : `${abs}/.`;
  if (userPath.endsWith('/') && abs !== '/') return `${abs}/`;
  return abs;
}

/**
 * statName is the `name` Docker reports for a requested path: Go's filepath.Base of dockerAbsPath, which ignores
 * trailing slashes ("/var/www/" is "www", "/var/www/." is ".", "/" is "/").
 */
export function statName(userPath: string): string {
  const trimmed = dockerAbsPath(userPath).replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}
