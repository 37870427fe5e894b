import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { WharfError } from '../common/errors.js';
import { connectionError, encodeQuery, errorFromResponse, type DaemonAddress, type QueryValue } from './transport.js';

// Connection hijacking for attach and exec: an HTTP/1.1 request with `Connection: Upgrade` and `Upgrade: tcp`, a
// 101 answer, and from then on the raw socket carries the container's streams both ways (docker's client
// setupHijackConn). Errors before the upgrade are ordinary daemon errors.

/** HijackRequest is one upgrade request; `path` includes the /vX.Y prefix. */
export interface HijackRequest {
  readonly method: string;
  readonly path: string;
  readonly query?: Readonly<Record<string, QueryValue>>;
  readonly headers?: OutgoingHttpHeaders;
  /** A small JSON body (exec start), sent with Content-Length. */
  readonly body?: string;
}

/**
 * HijackedConnection is an upgraded connection: read the container's output from `socket`, write its input to
 * it, half-close with closeWrite() when the input ends, and close() when done.
 */
export interface HijackedConnection {
  readonly socket: Socket;
  /** The answer's Content-Type: `application/vnd.docker.raw-stream` or `...multiplexed-stream` (API >= 1.42). */
  readonly mediaType: string;
  /** closeWrite sends EOF to the container's stdin while output keeps flowing (docker's CloseWrite). */
  closeWrite(): void;
  /** close drops the connection. */
  close(): void;
}

function hostHeader(addr: DaemonAddress): string {
  if (addr.kind === 'unix') return 'api.moby.localhost';
  return addr.hostname.includes(':') ? `[${addr.hostname}]:${addr.port}` : `${addr.hostname}:${addr.port}`;
}

function hijacked(socket: Socket, head: Buffer, res: IncomingMessage): HijackedConnection {
  // Bytes the daemon sent right after its 101 head belong to the stream.
  if (head.length > 0) socket.unshift(head);
  socket.setNoDelay?.(true);
  const ct = res.headers['content-type'];
  return {
    socket,
    mediaType: typeof ct === 'string' ? ct : '',
    closeWrite: () => {
      if (!socket.writableEnded && !socket.destroyed) socket.end();
    },
    close: () => socket.destroy(),
  };
}

/**
 * hijack sends an upgrade request and resolves with the raw connection once the daemon answers 101. A non-101
 * answer rejects: an error status with the daemon's error (as any other request), any other status with docker's
 * `unable to upgrade to tcp, received <status>`.
 */
export function hijack(addr: DaemonAddress, req: HijackRequest): Promise<HijackedConnection> {
  const headers: OutgoingHttpHeaders = { ...req.headers, host: hostHeader(addr), connection: 'Upgrade', upgrade: 'tcp' };
  if (req.body !== undefined) headers['content-length'] = Buffer.byteLength(req.body);
  return new Promise((resolve, reject) => {
    const r = httpRequest({
      createConnection: () => (addr.kind === 'unix' ? connect(addr.socketPath) : connect(addr.port, addr.hostname)),
      setHost: false,
      method: req.method,
      path: req.path + encodeQuery(req.query),
      headers,
    });
    let settled = false;
    r.on('upgrade', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      settled = true;
      resolve(hijacked(socket, head, res));
    });
    r.on('response', (res: IncomingMessage) => {
      settled = true;
      const status = res.statusCode ?? 500;
      if (status >= 400) {
        errorFromResponse(res, req.path).then(reject, reject);
        return;
      }
      res.resume();
      reject(new WharfError('Internal', 'WHARF_HIJACK_FAILED', `unable to upgrade to tcp, received ${status}`));
    });
    r.on('error', (err) => {
      if (!settled) reject(connectionError(err, addr.url));
    });
    r.end(req.body);
  });
}
