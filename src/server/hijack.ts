import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { compareApiVersions } from '../api/version.js';
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
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (head.length > 0) socket.unshift(head);
    const res = new http.ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as Socket);
    res.on('finish', () => socket.end());
    socket.on('error', () => socket.destroy());
    dispatch(req, res);
  });
  const closeAll = server.closeAllConnections.bind(server);
  server.closeAllConnections = () => {
    closeAll();
    for (const s of sessions) s.destroy();
    sessions.clear();
  };
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
