import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { pipeline, type Readable } from 'node:stream';
import { DEFAULT_SOCKET } from '../api/version.js';
import { WharfError, invalidArgument, type ErrorKind } from '../common/errors.js';

// The daemon connection: addresses, one HTTP exchange over node:http, and errors mapped back from the wire.
// (One module on purpose: every CLI invocation loads it, and each ES module costs start-up time.)

// ---- daemon addresses

/** DEFAULT_HOST is the daemon address used when neither -H nor WHARF_HOST/DOCKER_HOST says otherwise. */
export const DEFAULT_HOST = `unix://${DEFAULT_SOCKET}`;

/** DaemonAddress is where the daemon listens: a unix socket path, or a TCP host and port. */
export type DaemonAddress =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly url: string }
  | { readonly kind: 'tcp'; readonly hostname: string; readonly port: number; readonly url: string };

const DEFAULT_TCP_PORT = 2375;

/**
 * parseHost parses a daemon address as docker's `-H` does: `unix:///path`, `tcp://host[:port]` (also `http://`),
 * or a bare `host:port` (tcp). `ssh://`, `fd://` and `npipe://` are refused as NotImplemented.
 */
export function parseHost(host: string): DaemonAddress {
  const s = host.trim();
  if (s === '') return parseHost(DEFAULT_HOST);
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(s);
  const scheme = m ? (m[1] ?? '').toLowerCase() : 'tcp';
  const rest = m ? (m[2] ?? '') : s;
  if (scheme === 'unix') {
    const socketPath = rest === '' ? DEFAULT_SOCKET : rest;
    if (!socketPath.startsWith('/')) throw badHost(host);
    return { kind: 'unix', socketPath, url: `unix://${socketPath}` };
  }
  if (scheme === 'tcp' || scheme === 'http') {
    const hostPort = rest.replace(/\/+$/, '');
    const hm = /^(\[[0-9a-fA-F:.]+\]|[^:/[\]]*)(?::(\d+))?$/.exec(hostPort);
    if (!hm) throw badHost(host);
    const hostname = (hm[1] || '127.0.0.1').replace(/^\[|\]$/g, '');
    const port = hm[2] === undefined ? DEFAULT_TCP_PORT : Number(hm[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw badHost(host);
    return { kind: 'tcp', hostname, port, url: `tcp://${hm[1] || '127.0.0.1'}:${port}` };
  }
  throw new WharfError('NotImplemented', 'WHARF_HOST_SCHEME_UNSUPPORTED', `unsupported daemon address scheme "${scheme}://" in ${JSON.stringify(host)}: wharf speaks unix:// and tcp://`);
}

function badHost(host: string): WharfError {
  return invalidArgument('WHARF_INVALID_HOST', `invalid daemon address: ${JSON.stringify(host)}`);
}

// ---- errors from the daemon

/** DAEMON_ERROR_CODE marks an error the daemon answered with (non-2xx); the message is the daemon's verbatim. */
export const DAEMON_ERROR_CODE = 'WHARF_DAEMON_ERROR';

/** UNAVAILABLE_CODE marks a daemon that could not be reached (socket missing, connection refused). */
export const UNAVAILABLE_CODE = 'WHARF_DAEMON_UNAVAILABLE';

const MAX_ERROR_BODY = 1024 * 1024;

type ErrorFactory = (message: string) => WharfError;

// The inverse of the daemon's one status table (server/http-error.ts): the status says the kind.
const BY_STATUS: Readonly<Record<number, ErrorFactory>> = {
  304: (m) => new WharfError('NotModified', 'WHARF_DAEMON_ERROR', m),
  400: (m) => new WharfError('InvalidArgument', 'WHARF_DAEMON_ERROR', m),
  401: (m) => new WharfError('Unauthorized', 'WHARF_DAEMON_ERROR', m),
  403: (m) => new WharfError('PermissionDenied', 'WHARF_DAEMON_ERROR', m),
  404: (m) => new WharfError('NotFound', 'WHARF_DAEMON_ERROR', m),
  409: (m) => new WharfError('Conflict', 'WHARF_DAEMON_ERROR', m),
  413: (m) => new WharfError('TooLarge', 'WHARF_DAEMON_ERROR', m),
  501: (m) => new WharfError('NotImplemented', 'WHARF_DAEMON_ERROR', m),
  503: (m) => new WharfError('Unavailable', 'WHARF_DAEMON_ERROR', m),
};
const otherClientError: ErrorFactory = (m) => new WharfError('InvalidArgument', 'WHARF_DAEMON_ERROR', m);
const otherServerError: ErrorFactory = (m) => new WharfError('Internal', 'WHARF_DAEMON_ERROR', m);

/** daemonError builds the error for a non-2xx status: the kind from the status, the daemon's message verbatim. */
export function daemonError(status: number, message: string): WharfError {
  const make = BY_STATUS[status] ?? (status >= 400 && status < 500 ? otherClientError : otherServerError);
  return make(message);
}

/** kindOfStatus maps an HTTP status back to an error kind. */
export function kindOfStatus(status: number): ErrorKind {
  return daemonError(status, '').kind;
}

/** readBody reads a whole (small) response body as text, up to `limit` bytes. */
export function readBody(res: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<{ text: string; truncated: boolean }> {
  // Plain events rather than an async iterator: this runs on every command and the iterator costs start-up time.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (buf: Buffer) => {
      size += buf.length;
      if (size > limit) {
        res.destroy();
        resolve({ text: Buffer.concat(chunks).toString('utf8'), truncated: true });
      } else chunks.push(buf);
    });
    res.once('end', () => resolve({ text: Buffer.concat(chunks).toString('utf8'), truncated: false }));
    res.once('error', reject);
  });
}

/**
 * errorFromResponse turns a non-2xx response into a WharfError, as docker's client does: the kind comes from the
 * status, the message is the body's `message` (or the plain-text body) verbatim.
 */
export async function errorFromResponse(res: IncomingMessage, route: string): Promise<WharfError> {
  const status = res.statusCode ?? 500;
  const statusText = `${status} ${res.statusMessage ?? ''}`.trim();
  const { text, truncated } = await readBody(res, MAX_ERROR_BODY);
  let message: string;
  if (truncated) {
    message = `request returned ${statusText} with a message (> ${MAX_ERROR_BODY} bytes) for API route and version ${route}, check if the server supports the requested API version`;
  } else if (text.length === 0) {
    message = `request returned ${statusText} for API route and version ${route}, check if the server supports the requested API version`;
  } else if ((res.headers['content-type'] ?? '').startsWith('application/json')) {
    message = jsonMessage(text, status);
  } else {
    message = text.trim();
  }
  return daemonError(status, message);
}

function jsonMessage(text: string, status: number): string {
  try {
    const body: unknown = JSON.parse(text);
    const m = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
    if (typeof m === 'string' && m.trim() !== '') return m.trim();
    return `API returned a ${status} but provided no error-message`;
  } catch {
    return `Error reading JSON: ${text.trim().slice(0, 200)}`;
  }
}

/** isDaemonError tells whether err is an error response from the daemon (printed as "Error response from daemon: ..."). */
export function isDaemonError(err: unknown): err is WharfError {
  return err instanceof WharfError && err.code === DAEMON_ERROR_CODE;
}

/** connectionError maps a socket-level failure to docker's wording, adapted to wharf. */
export function connectionError(err: unknown, url: string): WharfError {
  const code = (err as { code?: unknown }).code;
  if (code === 'EACCES' || code === 'EPERM') {
    return new WharfError(
      'PermissionDenied',
      'WHARF_DAEMON_PERMISSION_DENIED',
      `permission denied while trying to connect to the wharf daemon socket at ${url}: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'ENOTSOCK' || code === 'ETIMEDOUT' || code === 'EHOSTUNREACH') {
    return new WharfError('Unavailable', 'WHARF_DAEMON_UNAVAILABLE', `Cannot connect to the wharf daemon at ${url}. Is the wharf daemon running?`, { cause: err });
  }
  return new WharfError('Unavailable', 'WHARF_DAEMON_UNAVAILABLE', `error during connect: ${(err as Error).message}`, { cause: err });
}

// ---- requests

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
  const headers: OutgoingHttpHeaders = { ...req.headers };
  if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) headers['content-length'] = Buffer.byteLength(req.body);
  // compat: docker's client sends Host "api.moby.localhost" over unix sockets.
  if (addr.kind === 'unix') headers.host ??= 'api.moby.localhost';
  else headers.host ??= addr.hostname.includes(':') ? `[${addr.hostname}]:${addr.port}` : `${addr.hostname}:${addr.port}`;
  return new Promise((resolve, reject) => {
    const r = httpRequest({
      // One connection per request, made directly: no Agent (its first use costs milliseconds of start-up).
      createConnection: () => (addr.kind === 'unix' ? connect(addr.socketPath) : connect(addr.port, addr.hostname)),
      setHost: false,
      method: req.method,
      path: req.path + encodeQuery(req.query),
      headers,
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
