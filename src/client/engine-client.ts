import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { components } from '../api/types.gen.js';
import { API_VERSION, MIN_API_VERSION, compareApiVersions } from '../api/version.js';
import { WharfError } from '../common/errors.js';
import type { JsonMessage } from './json-stream.js';
import {
  DEFAULT_HOST,
  UNAVAILABLE_CODE,
  errorFromResponse,
  escapePath,
  parseHost,
  readBody,
  sendRequest,
  type DaemonAddress,
  type QueryValue,
  type RawRequest,
} from './transport.js';

/** jsonValues reads a streamed answer (loaded on first use: most commands never stream). */
async function* jsonValues(res: Readable, bigIntKeys?: readonly string[]): AsyncGenerator<unknown> {
  const { readJsonStream } = await import('./json-stream.js');
  yield* readJsonStream(res, { bigIntKeys });
}

type Schemas = components['schemas'];
/** ImageSummary is one row of GET /images/json. */
export type ImageSummary = Schemas['ImageSummary'];
/** ImageHistoryItem is one layer of GET /images/{name}/history. */
export type ImageHistoryItem = Schemas['ImageHistoryResponseItem'];
/** ImageDeleteItem is one Untagged/Deleted line of DELETE /images/{name} and of prune. */
export type ImageDeleteItem = Schemas['ImageDeleteResponseItem'];
/** SystemVersion is the body of GET /version. */
export type SystemVersion = Schemas['SystemVersion'];
/** SystemInfo is the body of GET /info. */
export type SystemInfo = Schemas['SystemInfo'];
/**
 * EventMessage is one event of GET /events. `timeNano` is a BigInt: nanoseconds since 1970 do not fit a double
 * (docker prints them exactly).
 */
export type EventMessage = Omit<Schemas['EventMessage'], 'timeNano'> & { timeNano?: bigint };
/** ImagePruneReport is the body of POST /images/prune. */
export interface ImagePruneReport {
  ImagesDeleted?: ImageDeleteItem[] | null;
  SpaceReclaimed?: number;
}
/** DiskUsage is the body of GET /system/df. */
export interface DiskUsage {
  LayersSize?: number;
  Images?: ImageSummary[] | null;
  Containers?: Schemas['ContainerSummary'][] | null;
  Volumes?: Schemas['Volume'][] | null;
  BuildCache?: Schemas['BuildCache'][] | null;
}
/** PingResult is what GET /_ping tells about the daemon. */
export interface PingResult {
  apiVersion?: string;
  osType?: string;
  experimental: boolean;
  builderVersion?: string;
  swarm?: string;
}
/** Filters are docker's `-f key=value` filters: key to the list of accepted values. */
export type Filters = Readonly<Record<string, readonly string[]>>;

/** EngineClientOptions configure an EngineClient. */
export interface EngineClientOptions {
  /** Daemon address (`unix:///run/wharf.sock`, `tcp://host:2375`); DEFAULT_HOST when absent. */
  readonly host?: string;
  /** Pin the API version instead of negotiating it. */
  readonly apiVersion?: string;
  /**
   * onUnavailable is called once when the daemon cannot be reached; resolving true retries the request once.
   * The CLI uses it to start wharfd on demand.
   */
  readonly onUnavailable?: () => Promise<boolean>;
}

/** VersionedRequest is a RawRequest whose path is relative to the `/vX.Y` prefix. */
export type VersionedRequest = RawRequest;

const TOO_NEW = /client version [\d.]+ is too new/i;

function filtersParam(filters: Filters | undefined): string | undefined {
  if (!filters || Object.keys(filters).length === 0) return undefined;
  return JSON.stringify(filters);
}

async function json<T>(res: IncomingMessage): Promise<T> {
  const { text } = await readBody(res);
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new WharfError('Internal', 'WHARF_BAD_RESPONSE', `invalid JSON from the daemon: ${text.slice(0, 200)}`, { cause: err });
  }
}

/**
 * EngineClient is the typed Docker Engine API client: one method per endpoint, errors as WharfErrors whose kind
 * comes from the HTTP status and whose message is the daemon's. The API version is `min(daemon, 1.50)`:
 * requests go out as /v1.50/... and the client negotiates (GET /_ping) only when the daemon refuses that version,
 * or before sending a body it could not replay.
 */
export class EngineClient {
  readonly address: DaemonAddress;
  readonly #onUnavailable: (() => Promise<boolean>) | undefined;
  #version: string;
  #negotiated: boolean;
  #unavailableHandled = false;

  constructor(opts: EngineClientOptions = {}) {
    this.address = parseHost(opts.host ?? DEFAULT_HOST);
    this.#onUnavailable = opts.onUnavailable;
    this.#version = opts.apiVersion ?? API_VERSION;
    this.#negotiated = opts.apiVersion !== undefined;
  }

  /** apiVersion is the API version requests use (negotiated or the default 1.50). */
  get apiVersion(): string {
    return this.#version;
  }

  /** request sends a raw request (path without version prefix when `versioned`), mapping connection failures only. */
  async request(req: RawRequest, versioned = true): Promise<IncomingMessage> {
    const path = versioned ? `/v${this.#version}${req.path}` : req.path;
    try {
      return await sendRequest(this.address, { ...req, path });
    } catch (err) {
      if (await this.#retryAfterUnavailable(err, req)) return this.request(req, versioned);
      throw err;
    }
  }

  async #retryAfterUnavailable(err: unknown, req: RawRequest): Promise<boolean> {
    const replayable = req.body === undefined || typeof req.body === 'string' || Buffer.isBuffer(req.body);
    if (!(err instanceof WharfError) || err.code !== UNAVAILABLE_CODE || !replayable) return false;
    if (this.#unavailableHandled || !this.#onUnavailable) return false;
    this.#unavailableHandled = true;
    return this.#onUnavailable();
  }

  /** call sends a versioned request and returns the response if 2xx, else throws the daemon's error. */
  async call(req: VersionedRequest): Promise<IncomingMessage> {
    const streamed = req.body !== undefined && typeof req.body !== 'string' && !Buffer.isBuffer(req.body);
    if (streamed && !this.#negotiated) await this.negotiate();
    let res = await this.request(req);
    if (res.statusCode === 400 && !this.#negotiated && !streamed) {
      const err = await errorFromResponse(res, req.path);
      if (!TOO_NEW.test(err.message)) throw err;
      await this.negotiate();
      res = await this.request(req);
    }
    if ((res.statusCode ?? 500) >= 400) throw await errorFromResponse(res, `/v${this.#version}${req.path}`);
    return res;
  }

  /** negotiate pings the daemon once and settles on min(daemon API version, 1.50). */
  async negotiate(): Promise<void> {
    if (this.#negotiated) return;
    const ping = await this.ping();
    const server = ping.apiVersion ?? MIN_API_VERSION;
    this.#version = compareApiVersions(server, API_VERSION) < 0 ? server : API_VERSION;
    this.#negotiated = true;
  }

  /** ping is GET /_ping (unversioned): the daemon's API version and capabilities. */
  async ping(): Promise<PingResult> {
    const res = await this.request({ method: 'GET', path: '/_ping' }, false);
    const h = res.headers;
    const one = (name: string): string | undefined => {
      const v = h[name];
      return Array.isArray(v) ? v[0] : v;
    };
    if ((res.statusCode ?? 500) >= 400 && res.statusCode !== 500) throw await errorFromResponse(res, '/_ping');
    res.resume();
    return {
      apiVersion: one('api-version'),
      osType: one('ostype'),
      experimental: one('docker-experimental') === 'true',
      builderVersion: one('builder-version'),
      swarm: one('swarm'),
    };
  }

  async #json<T>(method: string, path: string, query?: Record<string, QueryValue>): Promise<T> {
    return json<T>(await this.call({ method, path, query }));
  }

  /** version is GET /version. */
  version(): Promise<SystemVersion> {
    return this.#json('GET', '/version');
  }

  /** info is GET /info. */
  info(): Promise<SystemInfo> {
    return this.#json('GET', '/info');
  }

  /** systemDf is GET /system/df. */
  systemDf(): Promise<DiskUsage> {
    return this.#json('GET', '/system/df');
  }

  /** events streams GET /events as parsed JSON objects until the daemon ends the stream or `signal` aborts. */
  async *events(opts: { since?: string; until?: string; filters?: Filters; signal?: AbortSignal } = {}): AsyncGenerator<EventMessage> {
    const res = await this.call({
      method: 'GET',
      path: '/events',
      query: { since: opts.since || undefined, until: opts.until || undefined, filters: filtersParam(opts.filters) },
      signal: opts.signal,
    });
    for await (const ev of jsonValues(res, ['timeNano'])) yield ev as EventMessage;
  }

  /** imageList is GET /images/json. */
  imageList(opts: { all?: boolean; filters?: Filters; digests?: boolean; sharedSize?: boolean } = {}): Promise<ImageSummary[]> {
    return this.#json('GET', '/images/json', {
      all: opts.all ? '1' : undefined,
      filters: filtersParam(opts.filters),
      digests: opts.digests ? '1' : undefined,
      'shared-size': opts.sharedSize ? '1' : undefined,
    });
  }

  /** imageInspectRaw is GET /images/{name}/json as the daemon's exact JSON text (docker re-indents the raw bytes). */
  async imageInspectRaw(name: string, opts: { platform?: string } = {}): Promise<string> {
    if (name === '') throw new WharfError('NotFound', 'WHARF_NO_SUCH_IMAGE', 'Error: No such image: ');
    const res = await this.call({ method: 'GET', path: `/images/${escapePath(name)}/json`, query: { platform: opts.platform } });
    return (await readBody(res)).text;
  }

  /** imageInspect is GET /images/{name}/json; `platform` is a JSON-encoded OCI platform. */
  async imageInspect(name: string, opts: { platform?: string } = {}): Promise<Schemas['ImageInspect']> {
    return JSON.parse(await this.imageInspectRaw(name, opts)) as Schemas['ImageInspect'];
  }

  /** imageHistory is GET /images/{name}/history; `platform` is a JSON-encoded OCI platform. */
  imageHistory(name: string, opts: { platform?: string } = {}): Promise<ImageHistoryItem[]> {
    return this.#json('GET', `/images/${escapePath(name)}/history`, { platform: opts.platform });
  }

  /** imageTag is POST /images/{name}/tag?repo=&tag= (201 on success). */
  async imageTag(source: string, repo: string, tag?: string): Promise<void> {
    const res = await this.call({ method: 'POST', path: `/images/${escapePath(source)}/tag`, query: { repo, tag } });
    res.resume();
  }

  /** imageRemove is DELETE /images/{name}: the Untagged/Deleted records; `platforms` are JSON-encoded OCI platforms. */
  imageRemove(name: string, opts: { force?: boolean; noPrune?: boolean; platforms?: readonly string[] } = {}): Promise<ImageDeleteItem[]> {
    return this.#json('DELETE', `/images/${escapePath(name)}`, {
      force: opts.force ? '1' : undefined,
      noprune: opts.noPrune ? '1' : undefined,
      platforms: opts.platforms && opts.platforms.length > 0 ? opts.platforms : undefined,
    });
  }

  /** imagePrune is POST /images/prune. */
  imagePrune(filters?: Filters): Promise<ImagePruneReport> {
    return this.#json('POST', '/images/prune', { filters: filtersParam(filters) });
  }

  /**
   * imageImport is POST /images/create?fromSrc=- with the tarball streamed as the body; it yields the daemon's
   * JSON progress messages (the last carries the new image ID in `status`).
   */
  async *imageImport(
    body: Readable,
    opts: { repo?: string; tag?: string; message?: string; changes?: readonly string[]; platform?: string } = {},
  ): AsyncGenerator<JsonMessage> {
    const res = await this.call({
      method: 'POST',
      path: '/images/create',
      query: {
        fromSrc: '-',
        repo: opts.repo || undefined,
        tag: opts.tag || undefined,
        message: opts.message || undefined,
        platform: opts.platform ? opts.platform.toLowerCase() : undefined,
        changes: opts.changes && opts.changes.length > 0 ? opts.changes : undefined,
      },
      // compat: docker's client sends import bodies as text/plain, one of the two types the API declares.
      headers: { 'content-type': 'text/plain' },
      body,
    });
    for await (const m of jsonValues(res)) yield m as JsonMessage;
  }

  /** imageSave is GET /images/get?names=...: the tar archive as a stream. */
  async imageSave(names: readonly string[], opts: { platform?: string } = {}): Promise<Readable> {
    return this.call({ method: 'GET', path: '/images/get', query: { names, platform: opts.platform } });
  }

  /**
   * imageLoad is POST /images/load with the archive streamed as the body; it yields the daemon's messages
   * (`{"stream":"Loaded image: busybox:latest\n"}`). A non-JSON answer is passed on as `stream` text.
   */
  async *imageLoad(body: Readable, opts: { quiet?: boolean; platform?: string } = {}): AsyncGenerator<JsonMessage> {
    const res = await this.call({
      method: 'POST',
      path: '/images/load',
      query: { quiet: opts.quiet ? '1' : '0', platform: opts.platform },
      headers: { 'content-type': 'application/x-tar' },
      body,
    });
    if ((res.headers['content-type'] ?? '').startsWith('application/json')) {
      for await (const m of jsonValues(res)) yield m as JsonMessage;
      return;
    }
    res.setEncoding('utf8');
    for await (const text of res) yield { stream: text as string };
  }
}
