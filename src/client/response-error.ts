import type { IncomingMessage } from 'node:http';
import { WharfError, type ErrorKind } from '../common/errors.js';

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
export async function readBody(res: IncomingMessage, limit = Number.POSITIVE_INFINITY): Promise<{ text: string; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > limit) {
      res.destroy();
      return { text: Buffer.concat(chunks).toString('utf8'), truncated: true };
    }
    chunks.push(buf);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), truncated: false };
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
