import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { components } from '../api/types.gen.js';
import { WharfError } from '../common/errors.js';
import type { EngineClient, Filters } from './engine-client.js';
import { escapePath, readBody, type QueryValue } from './transport.js';

// The container endpoints the non-interactive commands use (list, inspect, stop, kill, rm, ..., archive, prune),
// as functions over EngineClient.call: the client class stays small and the CLI loads this module only when a
// container command runs. Query encodings follow docker's Go client (moby/client container_*.go).

type Schemas = components['schemas'];
/** ContainerSummary is one row of GET /containers/json. */
export type ContainerSummary = Schemas['ContainerSummary'];
/** ContainerInspect is the body of GET /containers/{id}/json. */
export type ContainerInspect = Schemas['ContainerInspectResponse'];
/** ContainerTop is the body of GET /containers/{id}/top. */
export type ContainerTop = Schemas['ContainerTopResponse'];
/** ContainerWaitResult is the body of POST /containers/{id}/wait. */
export type ContainerWaitResult = Schemas['ContainerWaitResponse'];
/** FilesystemChange is one entry of GET /containers/{id}/changes (Kind 0 modified, 1 added, 2 deleted). */
export type FilesystemChange = Schemas['FilesystemChange'];
/** ContainerStats is one sample of GET /containers/{id}/stats. */
export type ContainerStats = Schemas['ContainerStatsResponse'];
/** UpdateConfig is the body of POST /containers/{id}/update: resources and the restart policy. */
export type UpdateConfig = Partial<Schemas['Resources']> & { RestartPolicy?: Schemas['RestartPolicy'] };
/** ContainerPruneReport is the body of POST /containers/prune. */
export interface ContainerPruneReport {
  ContainersDeleted?: string[] | null;
  SpaceReclaimed?: number;
}

/**
 * PathStat is Docker's ContainerPathStat, decoded from the X-Docker-Container-Path-Stat header. `mode` holds Go's
 * os.FileMode bits (GO_MODE_DIR, GO_MODE_SYMLINK, ...), not a Unix st_mode.
 */
export interface PathStat {
  readonly name: string;
  readonly size: number;
  readonly mode: number;
  readonly mtime: string;
  readonly linkTarget: string;
}

/** GO_MODE_DIR is Go's os.ModeDir bit in PathStat.mode. */
export const GO_MODE_DIR = 2 ** 31;
/** GO_MODE_SYMLINK is Go's os.ModeSymlink bit in PathStat.mode. */
export const GO_MODE_SYMLINK = 2 ** 27;
/** GO_MODE_DEVICE is Go's os.ModeDevice bit in PathStat.mode. */
export const GO_MODE_DEVICE = 2 ** 26;
/** GO_MODE_IRREGULAR is Go's os.ModeIrregular bit in PathStat.mode. */
export const GO_MODE_IRREGULAR = 2 ** 19;

/** hasModeBit tests one Go FileMode bit (bits above 2^31 do not survive JavaScript's 32-bit `&`). */
export function hasModeBit(mode: number, bit: number): boolean {
  return Math.floor(mode / bit) % 2 === 1;
}

const STAT_HEADER = 'x-docker-container-path-stat';

function filtersParam(filters: Filters | undefined): string | undefined {
  if (!filters || Object.keys(filters).length === 0) return undefined;
  return JSON.stringify(filters);
}

/** trimId trims a container name or ID and refuses an empty one before any request, as docker's client does. */
function trimId(id: string): string {
  const trimmed = id.trim();
  if (trimmed === '') throw new WharfError('InvalidArgument', 'WHARF_EMPTY_CONTAINER_ID', 'invalid container name or ID: value is empty');
  return trimmed;
}

/** containerPath is `/containers/{id}<suffix>` for a trimmed, non-empty name or ID. */
function containerPath(id: string, suffix = ''): string {
  return `/containers/${escapePath(trimId(id))}${suffix}`;
}

async function jsonOf<T>(res: IncomingMessage): Promise<T> {
  const { text } = await readBody(res);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new WharfError('Internal', 'WHARF_BAD_RESPONSE', `invalid JSON from the daemon: ${text.slice(0, 200)}`, { cause: err });
  }
}

async function callJson<T>(client: EngineClient, method: string, path: string, query?: Record<string, QueryValue>, body?: unknown): Promise<T> {
  const res = await client.call({
    method,
    path,
    query,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  return jsonOf<T>(res);
}

async function callEmpty(client: EngineClient, method: string, path: string, query?: Record<string, QueryValue>): Promise<void> {
  (await client.call({ method, path, query })).resume();
}

/** ListOptions are the parameters of GET /containers/json (`limit` > 0 only is sent, as docker does). */
export interface ListOptions {
  readonly all?: boolean;
  readonly limit?: number;
  readonly size?: boolean;
  readonly filters?: Filters;
}

/** containerList is GET /containers/json. */
export async function containerList(client: EngineClient, opts: ListOptions = {}): Promise<ContainerSummary[]> {
  return callJson(client, 'GET', '/containers/json', {
    all: opts.all ? '1' : undefined,
    limit: opts.limit !== undefined && opts.limit > 0 ? String(opts.limit) : undefined,
    size: opts.size ? '1' : undefined,
    filters: filtersParam(opts.filters),
  });
}

/** containerInspectRaw is GET /containers/{id}/json as the daemon's exact JSON text (docker re-indents the raw bytes). */
export async function containerInspectRaw(client: EngineClient, id: string, opts: { size?: boolean } = {}): Promise<string> {
  const res = await client.call({ method: 'GET', path: containerPath(id, '/json'), query: { size: opts.size ? '1' : undefined } });
  return (await readBody(res)).text;
}

/** containerInspect is GET /containers/{id}/json, parsed. */
export async function containerInspect(client: EngineClient, id: string): Promise<ContainerInspect> {
  return JSON.parse(await containerInspectRaw(client, id)) as ContainerInspect;
}

/** StopOptions are stop's and restart's `t` (seconds; undefined leaves the container's own timeout) and `signal`. */
export interface StopOptions {
  readonly timeout?: number;
  readonly signal?: string;
}

function stopQuery(opts: StopOptions): Record<string, QueryValue> {
  return { t: opts.timeout === undefined ? undefined : String(opts.timeout), signal: opts.signal || undefined };
}

/** containerStop is POST /containers/{id}/stop (204, or 304 when already stopped: both are success). */
export async function containerStop(client: EngineClient, id: string, opts: StopOptions = {}): Promise<void> {
  return callEmpty(client, 'POST', containerPath(id, '/stop'), stopQuery(opts));
}

/** containerRestart is POST /containers/{id}/restart. */
export async function containerRestart(client: EngineClient, id: string, opts: StopOptions = {}): Promise<void> {
  return callEmpty(client, 'POST', containerPath(id, '/restart'), stopQuery(opts));
}

/** containerKill is POST /containers/{id}/kill; without a signal the daemon sends SIGKILL. */
export async function containerKill(client: EngineClient, id: string, signal = ''): Promise<void> {
  return callEmpty(client, 'POST', containerPath(id, '/kill'), { signal: signal || undefined });
}

/** containerRemove is DELETE /containers/{id} (`v` anonymous volumes, `link`, `force`). */
export async function containerRemove(client: EngineClient, id: string, opts: { volumes?: boolean; link?: boolean; force?: boolean } = {}): Promise<void> {
  return callEmpty(client, 'DELETE', containerPath(id), {
    v: opts.volumes ? '1' : undefined,
    link: opts.link ? '1' : undefined,
    force: opts.force ? '1' : undefined,
  });
}

/**
 * containerWait is POST /containers/{id}/wait: resolves when the container stops. The daemon sends the headers at
 * once and the body at the exit; a body that is not JSON becomes the error message, as in docker's client.
 */
export async function containerWait(client: EngineClient, id: string, opts: { condition?: string; signal?: AbortSignal } = {}): Promise<ContainerWaitResult> {
  const res = await client.call({ method: 'POST', path: containerPath(id, '/wait'), query: { condition: opts.condition || undefined }, signal: opts.signal });
  const { text } = await readBody(res);
  try {
    return JSON.parse(text) as ContainerWaitResult;
  } catch (err) {
    throw new WharfError('Internal', 'WHARF_BAD_RESPONSE', text.slice(0, 2048), { cause: err });
  }
}

/** containerRename is POST /containers/{id}/rename?name=. */
export async function containerRename(client: EngineClient, id: string, name: string): Promise<void> {
  return callEmpty(client, 'POST', containerPath(id, '/rename'), { name });
}

/** containerPause is POST /containers/{id}/pause. */
export async function containerPause(client: EngineClient, id: string): Promise<void> {
  return callEmpty(client, 'POST', containerPath(id, '/pause'));
}

/** containerUnpause is POST /containers/{id}/unpause. */
export async function containerUnpause(client: EngineClient, id: string): Promise<void> {
  return callEmpty(client, 'POST', containerPath(id, '/unpause'));
}

/** containerTop is GET /containers/{id}/top; the ps arguments go out joined by spaces as `ps_args`. */
export async function containerTop(client: EngineClient, id: string, psArgs: readonly string[] = []): Promise<ContainerTop> {
  return callJson(client, 'GET', containerPath(id, '/top'), { ps_args: psArgs.length > 0 ? psArgs.join(' ') : undefined });
}

/** containerUpdate is POST /containers/{id}/update; it returns the daemon's warnings. */
export async function containerUpdate(client: EngineClient, id: string, config: UpdateConfig): Promise<string[]> {
  const res = await callJson<{ Warnings?: string[] | null }>(client, 'POST', containerPath(id, '/update'), undefined, config);
  return res.Warnings ?? [];
}

/** containerChanges is GET /containers/{id}/changes (null from the daemon means no changes). */
export async function containerChanges(client: EngineClient, id: string): Promise<FilesystemChange[]> {
  return (await callJson<FilesystemChange[] | null>(client, 'GET', containerPath(id, '/changes'))) ?? [];
}

/** CommitOptions are the parameters of POST /commit (repo and tag already split, as docker's client sends them). */
export interface CommitOptions {
  readonly repo?: string;
  readonly tag?: string;
  readonly comment?: string;
  readonly author?: string;
  readonly changes?: readonly string[];
  /** False sends `pause=0`; the daemon pauses by default. */
  readonly pause?: boolean;
}

/** containerCommit is POST /commit?container=...: the new image's ID (`sha256:...`). */
export async function containerCommit(client: EngineClient, id: string, opts: CommitOptions = {}): Promise<string> {
  const res = await callJson<{ Id?: string }>(client, 'POST', '/commit', {
    container: trimId(id),
    repo: opts.repo ?? '',
    tag: opts.tag ?? '',
    comment: opts.comment ?? '',
    author: opts.author ?? '',
    changes: opts.changes && opts.changes.length > 0 ? opts.changes : undefined,
    pause: opts.pause === false ? '0' : undefined,
  });
  return res.Id ?? '';
}

/** containerExport is GET /containers/{id}/export: the filesystem as a tar stream. */
export async function containerExport(client: EngineClient, id: string): Promise<Readable> {
  return client.call({ method: 'GET', path: containerPath(id, '/export') });
}

/**
 * containerStats is GET /containers/{id}/stats: one sample (`stream: false`) or a sample per second until the
 * signal aborts or the daemon ends the stream.
 */
export async function* containerStats(client: EngineClient, id: string, opts: { stream: boolean; signal?: AbortSignal }): AsyncGenerator<ContainerStats> {
  const res = await client.call({ method: 'GET', path: containerPath(id, '/stats'), query: { stream: opts.stream ? '1' : '0' }, signal: opts.signal });
  const { readJsonStream } = await import('./json-stream.js');
  for await (const v of readJsonStream(res)) yield v as ContainerStats;
}

/** containerPrune is POST /containers/prune. */
export async function containerPrune(client: EngineClient, filters?: Filters): Promise<ContainerPruneReport> {
  return callJson(client, 'POST', '/containers/prune', { filters: filtersParam(filters) });
}

/** decodePathStat reads the X-Docker-Container-Path-Stat header (base64 of JSON), as docker's client does. */
export function decodePathStat(header: string | string[] | undefined): PathStat {
  const value = Array.isArray(header) ? (header[0] ?? '') : (header ?? '');
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(value, 'base64').toString('utf8'));
  } catch (err) {
    throw new WharfError('Internal', 'WHARF_BAD_RESPONSE', `unable to decode container path stat header: ${(err as Error).message}`, { cause: err });
  }
  const o = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
  return { name: str(o.name), size: num(o.size), mode: num(o.mode), mtime: str(o.mtime), linkTarget: str(o.linkTarget) };
}

/** containerStatPath is HEAD /containers/{id}/archive?path=: the stat of a path inside the container. */
export async function containerStatPath(client: EngineClient, id: string, path: string): Promise<PathStat> {
  const res = await client.call({ method: 'HEAD', path: containerPath(id, '/archive'), query: { path } });
  res.resume();
  return decodePathStat(res.headers[STAT_HEADER]);
}

/** containerArchiveGet is GET /containers/{id}/archive?path=: a tar of the path and the stat of what it names. */
export async function containerArchiveGet(client: EngineClient, id: string, path: string, signal?: AbortSignal): Promise<{ stat: PathStat; content: Readable }> {
  const res = await client.call({ method: 'GET', path: containerPath(id, '/archive'), query: { path }, signal });
  let stat: PathStat;
  try {
    stat = decodePathStat(res.headers[STAT_HEADER]);
  } catch (err) {
    res.destroy();
    throw new WharfError('Internal', 'WHARF_BAD_RESPONSE', `unable to get resource stat from response: ${(err as Error).message}`, { cause: err });
  }
  return { stat, content: res };
}

/**
 * containerArchivePut is PUT /containers/{id}/archive?path=: extract a tar stream into a directory of the container.
 * `noOverwriteDirNonDir` is sent unless overwriting directories with files is allowed, as docker's client does.
 */
export async function containerArchivePut(
  client: EngineClient,
  id: string,
  path: string,
  content: Readable,
  opts: { allowOverwriteDirWithFile?: boolean; copyUIDGID?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const res = await client.call({
    method: 'PUT',
    path: containerPath(id, '/archive'),
    query: {
      path,
      noOverwriteDirNonDir: opts.allowOverwriteDirWithFile ? undefined : 'true',
      copyUIDGID: opts.copyUIDGID ? 'true' : undefined,
    },
    headers: { 'content-type': 'application/x-tar' },
    body: content,
    signal: opts.signal,
  });
  res.resume();
}
