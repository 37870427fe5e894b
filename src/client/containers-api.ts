import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { components } from '../api/types.gen.js';
import { WharfError } from '../common/errors.js';
import type { EngineClient } from './engine-client.js';
import type { HijackedConnection } from './hijack.js';
import { escapePath, readBody, type QueryValue } from './transport.js';

// The container and exec endpoints of the Engine API, as functions over an EngineClient (one function per
// endpoint, named as the docker client names them). They use only the client's public primitives (`call`,
// `address`, `apiVersion`), so that commands load this module only when they need it.

type Schemas = components['schemas'];
/** ContainerInspect is the body of GET /containers/{id}/json. */
export type ContainerInspect = Schemas['ContainerInspectResponse'];
/** ExecInspect is the body of GET /exec/{id}/json. */
export interface ExecInspect {
  ID?: string;
  Running?: boolean;
  ExitCode?: number | null;
  ContainerID?: string;
  Pid?: number;
}
/** ContainerCreateResult is the body of POST /containers/create. */
export interface ContainerCreateResult {
  Id: string;
  Warnings?: string[] | null;
}
/** WaitResult is the body of POST /containers/{id}/wait. */
export interface WaitResult {
  StatusCode: number;
  Error?: { Message?: string } | null;
}
/** WaitCondition is the `condition` of POST /containers/{id}/wait. */
export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

async function jsonOf<T>(res: IncomingMessage): Promise<T> {
  const { text } = await readBody(res);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new WharfError('Internal', 'WHARF_BAD_RESPONSE', `invalid JSON from the daemon: ${text.slice(0, 200)}`, { cause: err });
  }
}

async function post(client: EngineClient, path: string, query?: Record<string, QueryValue>, body?: unknown): Promise<IncomingMessage> {
  const json = body === undefined ? undefined : JSON.stringify(body);
  return client.call({ method: 'POST', path, query, body: json, headers: json === undefined ? undefined : { 'content-type': 'application/json' } });
}

const c = (id: string): string => `/containers/${escapePath(id)}`;

/** containerCreate is POST /containers/create?name=&platform= with docker's create body. */
export async function containerCreate(client: EngineClient, body: unknown, opts: { name?: string; platform?: string } = {}): Promise<ContainerCreateResult> {
  return jsonOf(await post(client, '/containers/create', { name: opts.name || undefined, platform: opts.platform || undefined }, body));
}

/** containerStart is POST /containers/{id}/start. */
export async function containerStart(client: EngineClient, id: string): Promise<void> {
  (await post(client, `${c(id)}/start`)).resume();
}

/** containerInspect is GET /containers/{id}/json. */
export async function containerInspect(client: EngineClient, id: string): Promise<ContainerInspect> {
  return jsonOf(await client.call({ method: 'GET', path: `${c(id)}/json` }));
}

/** containerKill is POST /containers/{id}/kill?signal= (docker's signal names without SIG, or numbers). */
export async function containerKill(client: EngineClient, id: string, signal: string): Promise<void> {
  (await post(client, `${c(id)}/kill`, { signal })).resume();
}

/** containerResize is POST /containers/{id}/resize?h=&w=. */
export async function containerResize(client: EngineClient, id: string, height: number, width: number): Promise<void> {
  (await post(client, `${c(id)}/resize`, { h: String(height), w: String(width) })).resume();
}

/**
 * containerWait is POST /containers/{id}/wait?condition=. It resolves once the daemon has answered the head (the
 * wait is registered) with a function that reads the result when the condition is met.
 */
export async function containerWait(client: EngineClient, id: string, condition?: WaitCondition): Promise<() => Promise<WaitResult>> {
  const res = await post(client, `${c(id)}/wait`, { condition });
  return async () => {
    const { text } = await readBody(res);
    try {
      return JSON.parse(text) as WaitResult;
    } catch (err) {
      throw new WharfError('Internal', 'WHARF_BAD_RESPONSE', text.trim() || 'unexpected end of the wait response', { cause: err });
    }
  };
}

/** AttachOptions are the query of POST /containers/{id}/attach. */
export interface AttachOptions {
  stream?: boolean;
  stdin?: boolean;
  stdout?: boolean;
  stderr?: boolean;
  logs?: boolean;
  detachKeys?: string;
}

/** containerAttach is the hijacked POST /containers/{id}/attach. */
export async function containerAttach(client: EngineClient, id: string, opts: AttachOptions): Promise<HijackedConnection> {
  const flag = (b: boolean | undefined): string | undefined => (b ? '1' : undefined);
  // Loaded on first use: create, start and run -d never hijack.
  const { hijack } = await import('./hijack.js');
  return hijack(client.address, {
    method: 'POST',
    path: `/v${client.apiVersion}${c(id)}/attach`,
    query: {
      stream: flag(opts.stream), stdin: flag(opts.stdin), stdout: flag(opts.stdout), stderr: flag(opts.stderr),
      detachKeys: opts.detachKeys || undefined, logs: flag(opts.logs),
    },
    headers: { 'content-type': 'text/plain' },
  });
}

/** LogsOptions are the query of GET /containers/{id}/logs (since/until already converted to timestamps). */
export interface LogsOptions {
  follow?: boolean;
  since?: string;
  until?: string;
  timestamps?: boolean;
  details?: boolean;
  tail?: string;
}

/** containerLogs is GET /containers/{id}/logs with stdout and stderr: the raw (multiplexed unless TTY) stream. */
export async function containerLogs(client: EngineClient, id: string, opts: LogsOptions, signal?: AbortSignal): Promise<Readable> {
  const flag = (b: boolean | undefined): string | undefined => (b ? '1' : undefined);
  return client.call({
    method: 'GET',
    path: `${c(id)}/logs`,
    query: {
      stdout: '1', stderr: '1', since: opts.since || undefined, until: opts.until || undefined,
      timestamps: flag(opts.timestamps), details: flag(opts.details), follow: flag(opts.follow), tail: opts.tail ?? '',
    },
    signal,
  });
}

/** ExecCreateBody is the body of POST /containers/{id}/exec (docker's ExecOptions). */
export interface ExecCreateBody {
  User: string;
  Privileged: boolean;
  Tty: boolean;
  ConsoleSize: [number, number] | null;
  AttachStdin: boolean;
  AttachStderr: boolean;
  AttachStdout: boolean;
  DetachKeys: string;
  Env: string[] | null;
  WorkingDir: string;
  Cmd: string[];
}

/** execCreate is POST /containers/{id}/exec; it returns the exec ID. */
export async function execCreate(client: EngineClient, id: string, body: ExecCreateBody): Promise<string> {
  const r = await jsonOf<{ Id?: string }>(await post(client, `${c(id)}/exec`, undefined, body));
  if (!r.Id) throw new WharfError('Internal', 'WHARF_BAD_RESPONSE', 'exec ID empty');
  return r.Id;
}

/** ExecStartBody is the body of POST /exec/{id}/start. */
export interface ExecStartBody {
  Detach: boolean;
  Tty: boolean;
  ConsoleSize: [number, number] | null;
}

/** execStart is POST /exec/{id}/start for a detached exec. */
export async function execStart(client: EngineClient, execId: string, body: ExecStartBody): Promise<void> {
  (await post(client, `/exec/${escapePath(execId)}/start`, undefined, body)).resume();
}

/** execAttach is the hijacked POST /exec/{id}/start of an attached exec. */
export async function execAttach(client: EngineClient, execId: string, body: ExecStartBody): Promise<HijackedConnection> {
  const { hijack } = await import('./hijack.js');
  return hijack(client.address, {
    method: 'POST',
    path: `/v${client.apiVersion}/exec/${escapePath(execId)}/start`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** execResize is POST /exec/{id}/resize?h=&w=. */
export async function execResize(client: EngineClient, execId: string, height: number, width: number): Promise<void> {
  (await post(client, `/exec/${escapePath(execId)}/resize`, { h: String(height), w: String(width) })).resume();
}

/** execInspect is GET /exec/{id}/json. */
export async function execInspect(client: EngineClient, execId: string): Promise<ExecInspect> {
  return jsonOf(await client.call({ method: 'GET', path: `/exec/${escapePath(execId)}/json` }));
}

/**
 * imagePull is POST /images/create?fromImage=&tag= as `docker run` uses it for a missing image: the daemon's JSON
 * progress messages as a stream.
 */
export async function imagePull(client: EngineClient, fromImage: string, tag: string, platform?: string): Promise<Readable> {
  return client.call({
    method: 'POST',
    path: '/images/create',
    query: { fromImage, tag: tag || undefined, platform: platform || undefined },
    headers: { 'x-registry-auth': 'e30=' },
  });
}
