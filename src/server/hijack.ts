import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex, Readable, Writable } from 'node:stream';
import { compareApiVersions } from '../api/version.js';
import { streamWriter } from './hijack-mux.js';
import type { RequestContext } from './router.js';

/** RAW_STREAM is the media type of a hijacked stream that carries the process's bytes as they are (TTY). */
export const RAW_STREAM = 'application/vnd.docker.raw-stream';
/** MULTIPLEXED_STREAM is the media type of a hijacked stream whose bytes are stdout/stderr frames (API >= 1.42). */
export const MULTIPLEXED_STREAM = 'application/vnd.docker.multiplexed-stream';

// Sockets handed to a hijacked session, per server, so a stopping server can cut them (see acceptUpgrades).
const hijacked = new WeakMap<Server, Set<Duplex>>();

/**
 * acceptUpgrades routes `Connection: Upgrade` requests (Docker clients send `Upgrade: tcp` for attach and exec
 * start) through the same dispatch as every other request: node emits them as 'upgrade' with a bare socket, so
 * each gets a real ServerResponse on that socket, which error replies and ordinary routes use as usual; after a
 * non-hijacked reply the connection closes (an upgrade request is never kept alive). Bytes the client sent after
 * the request head (stdin typed ahead) are put back on the socket for the session to read.
 *
 * It also makes `server.closeAllConnections()` cut hijacked sessions, which node's list of HTTP connections no
 * longer holds, so stopping the daemon does not wait for a long `docker attach`.
 */
export function acceptUpgrades(server: Server, dispatch: (req: IncomingMessage, res: ServerResponse) => void): void {
  const sessions = new Set<Duplex>();
  hijacked.set(server, sessions);
  server.on('upgrade', (upgradeReq: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    readUpgradeBody(upgradeReq, socket, head).then(
      (req) => {
        const res = new http.ServerResponse(req);
        res.shouldKeepAlive = false;
        res.assignSocket(socket as Socket);
        res.on('finish', () => socket.end());
        dispatch(req, res);
      },
      () => socket.destroy(),
    );
  });
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeAll();
    for (const s of sessions) s.destroy();
    sessions.clear();
  };
}

// Bodies of upgrade requests are small JSON documents (exec start); a larger declared one is left unread, and the
// route refuses it by its Content-Length (413) before reading.
const UPGRADE_BODY_LIMIT = 4 * 1024 * 1024;
const UPGRADE_BODY_TIMEOUT_MS = 30_000;

/**
 * readUpgradeBody separates an upgrade request's body from the stream behind it. node hands everything after the
 * request head to 'upgrade' as raw bytes, but Docker clients send exec start's JSON body (with Content-Length)
 * before the stream, and dockerd reads it as the request body: so exactly Content-Length bytes are taken from
 * `head` and the socket, the rest is put back on the socket, and a new IncomingMessage carries the body.
 */
function readUpgradeBody(orig: IncomingMessage, socket: Duplex, head: Buffer): Promise<IncomingMessage> {
  const length = Number(orig.headers['content-length'] ?? 0);
  const want = Number.isSafeInteger(length) && length > 0 && length <= UPGRADE_BODY_LIMIT ? length : 0;
  return new Promise((resolve, reject) => {
    let buf = head;
    // A client that announces a body and never sends it does not hold the connection forever.
    const timer = setTimeout(() => onEnd(), UPGRADE_BODY_TIMEOUT_MS);
    timer.unref();
    const done = (): void => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('close', onEnd);
      socket.pause();
      if (buf.length > want) socket.unshift(buf.subarray(want));
      resolve(withBody(orig, socket, buf.subarray(0, want)));
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= want) done();
    };
    const onEnd = (): void => {
      clearTimeout(timer);
      socket.off('data', onData).off('end', onEnd).off('close', onEnd);
      reject(new Error('the request body did not arrive'));
    };
    if (buf.length >= want) {
      done();
      return;
    }
    socket.on('data', onData).on('end', onEnd).on('close', onEnd);
  });
}

function withBody(orig: IncomingMessage, socket: Duplex, body: Buffer): IncomingMessage {
  const req = new http.IncomingMessage(socket as Socket);
  req.method = orig.method;
  req.url = orig.url;
  req.httpVersionMajor = orig.httpVersionMajor;
  req.httpVersionMinor = orig.httpVersionMinor;
  req.httpVersion = orig.httpVersion;
  req.headers = orig.headers;
  req.rawHeaders = orig.rawHeaders;
  if (body.length > 0) req.push(body);
  req.push(null);
  req.complete = true;
  return req;
}

/**
 * streamContentType is the Content-Type dockerd announces for a hijacked stream: multiplexed frames for a
 * non-TTY process when the client upgraded with API >= 1.42, raw otherwise. compat: the bytes of a non-TTY
 * stream are frames at every version; older clients are only told "raw-stream" (moby postContainersAttach).
 */
export function streamContentType(ctx: Pick<RequestContext, 'apiVersion' | 'req'>, tty: boolean): string {
  const upgrade = ctx.req.headers.upgrade !== undefined;
  return upgrade && !tty && compareApiVersions(ctx.apiVersion, '1.42') >= 0 ? MULTIPLEXED_STREAM : RAW_STREAM;
}

/**
 * hijack takes the connection of an attach or exec-start request away from HTTP and returns it as a raw duplex
 * stream, after writing dockerd's answer: `101 UPGRADED` (with `Connection: Upgrade`, `Upgrade: tcp`) when the
 * client asked to upgrade, else `200 OK` for old clients, which read the raw stream on the same connection. The
 * headers the server already set (Api-Version, Server, ...) go out too, as dockerd copies them.
 *
 * Half-close: the client ends its write side when its stdin ends (`CloseWrite`) and keeps reading; the socket
 * stays writable after 'end' (node's HTTP server allows half-open sockets). The caller ends the socket when the
 * process's output is over. Aborted when the client goes away: `ctx.signal`.
 */
export function hijack(ctx: Pick<RequestContext, 'req' | 'res'>, contentType: string): Duplex {
  const { req, res } = ctx;
  const socket = req.socket;
  const upgrade = req.headers.upgrade !== undefined;
  if (!upgrade) detachFromParser(socket);
  const lines = upgrade
    ? ['HTTP/1.1 101 UPGRADED', `Content-Type: ${contentType}`, 'Connection: Upgrade', 'Upgrade: tcp']
    : ['HTTP/1.1 200 OK', `Content-Type: ${RAW_STREAM}`];
  for (const [name, value] of Object.entries(res.getHeaders())) {
    if (value === undefined || /^(content-type|connection|upgrade|content-length|transfer-encoding)$/i.test(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${canonicalHeader(name)}: ${String(v)}`);
  }
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  // The response object must never write on this socket again, but it stays assigned to it: its 'close' is what
  // aborts ctx.signal when the client disconnects.
  Object.defineProperty(res, 'headersSent', { value: true, configurable: true });
  const server = (socket as Socket & { server?: Server }).server;
  const sessions = server === undefined ? undefined : hijacked.get(server);
  if (sessions !== undefined && upgrade) {
    sessions.add(socket);
    socket.once('close', () => sessions.delete(socket));
  }
  return socket;
}

function canonicalHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_m, sep: string, c: string) => `${sep}${c.toUpperCase()}`);
}

/**
 * detachFromParser stops node's HTTP server from reading a non-upgraded connection, so that stdin bytes are not
 * parsed as the next pipelined request, and from ending the socket when the client half-closes. compat: only
 * clients older than upgrade support (Docker < 1.9's client) take this path; they wait for the response head
 * before sending stdin, so nothing they send is already inside the parser.
 *
 * Adding a 'data' listener makes node hand the socket back from its native parser (`unconsume`); the server's
 * own 'data' and 'end' listeners are then removed, and the socket is paused until the session reads it.
 */
function detachFromParser(socket: Socket): void {
  const probe = (): void => undefined;
  socket.on('data', probe);
  for (const event of ['data', 'end'] as const) {
    for (const listener of socket.listeners(event)) socket.removeListener(event, listener as (...args: unknown[]) => void);
  }
  socket.pause();
  socket.setTimeout(0);
}

/** HijackedClient is a hijacked connection seen as an attach client: its input and the output writers. */
export interface HijackedClient {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

// How long a finished session waits for the client to close its side before the connection is cut.
const CLOSE_GRACE_MS = 10_000;

/**
 * closeHijacked ends a finished session's connection the way clients expect: whatever the client still sends is
 * read and dropped (so closing never resets the connection under unread output), our side is ended, and the
 * socket is destroyed once the client closes too, or after a grace period.
 */
export function closeHijacked(socket: Duplex): void {
  if (socket.destroyed) return;
  socket.resume();
  socket.end();
  const timer = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/**
 * serveHijacked answers a request with a hijacked stream and runs `session` over it: the client's bytes as
 * stdin, stdout and stderr as multiplexed frames (`multiplexed`, for a process without a TTY) or raw. The
 * connection is closed when the session ends; a session failure after the answer is logged, as the status has
 * already been sent.
 */
export async function serveHijacked(
  ctx: RequestContext,
  contentType: string,
  multiplexed: boolean,
  session: (client: HijackedClient) => Promise<unknown>,
): Promise<void> {
  const socket = hijack(ctx, contentType);
  const client: HijackedClient = {
    stdin: socket,
    stdout: streamWriter(socket, multiplexed ? 1 : undefined),
    stderr: streamWriter(socket, multiplexed ? 2 : undefined),
  };
  // A client that is gone fails the writes; the session sees that through its pipelines, never as a crash.
  client.stdout.on('error', () => undefined);
  client.stderr.on('error', () => undefined);
  try {
    await session(client);
  } catch (err) {
    ctx.log.warn({ err }, 'hijacked session failed');
  } finally {
    closeHijacked(socket);
  }
}
