import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { connectionError } from './response-error.js';
import type { DaemonAddress } from './host.js';

/** QueryValue is one query parameter: repeated for arrays (`names=a&names=b`), omitted when undefined. */
export type QueryValue = string | number | boolean | readonly string[] | undefined;

/**
 * RawRequest is one HTTP exchange with the daemon. It is deliberately general (any method, headers, a streamed
 * body, the raw response back) so that hijacked exchanges (attach/exec upgrade) can be built on it later.
 */
export interface RawRequest {
  readonly method: string;
  /** Path including any version prefix, e.g. `/v1.50/images/json`. */
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly headers?: OutgoingHttpHeaders;
  /** Request body: a buffer or string is sent with Content-Length, a stream is sent chunked. */
  readonly body?: Readable | Buffer | string;
  readonly signal?: AbortSignal;
}

/** encodeQuery renders query parameters as docker's Go client does (booleans as 1/0 are the caller's choice). */
export function encodeQuery(query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) params.append(k, item);
    else params.append(k, String(v));
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

/**
 * escapePath percent-encodes a path the way Go's url.URL.EscapedPath does: `/`, `:` and `@` stay as they are, so
 * `/images/localhost:5000/a/b:tag/json` reaches the daemon exactly as docker's client sends it.
 */
export function escapePath(path: string): string {
  return encodeURIComponent(path).replace(/%(2F|3A|40|21|24|26|27|28|29|2A|2B|2C|3B|3D)/gi, (m) => decodeURIComponent(m));
}

/** sendRequest performs one request over node:http and resolves with the response head (any status). */
export function sendRequest(addr: DaemonAddress, req: RawRequest): Promise<IncomingMessage> {
  const target = addr.kind === 'unix' ? { socketPath: addr.socketPath } : { host: addr.hostname, port: addr.port };
  const headers: OutgoingHttpHeaders = { ...req.headers };
  if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) headers['content-length'] = Buffer.byteLength(req.body);
  return new Promise((resolve, reject) => {
    const r = httpRequest({
      ...target,
      // compat: docker's client sends Host "api.moby.localhost" over unix sockets.
      setHost: addr.kind !== 'unix',
      method: req.method,
      path: req.path + encodeQuery(req.query),
      headers: addr.kind === 'unix' ? { host: 'api.moby.localhost', ...headers } : headers,
      agent: false,
      signal: req.signal,
    });
    let responded = false;
    let bodyError: unknown;
    r.on('response', (res) => {
      responded = true;
      resolve(res);
    });
    r.on('error', (err) => {
      if (responded) return;
      if (bodyError !== undefined) reject(bodyError);
      else if ((err as { name?: string }).name === 'AbortError') reject(err);
      else reject(connectionError(err, addr.url));
    });
    const body = req.body;
    if (body === undefined) r.end();
    else if (typeof body === 'string' || Buffer.isBuffer(body)) r.end(body);
    else {
      // A failing body or connection is reported through the request's 'error' event above.
      body.once('error', (err) => (bodyError = err));
      pipeline(body, r, () => undefined);
    }
  });
}
