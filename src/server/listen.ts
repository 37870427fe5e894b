import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import { WharfError, invalidArgument } from '../common/errors.js';

/** ListenAddress is a parsed `-H` address. */
export type ListenAddress = { readonly kind: 'unix'; readonly path: string } | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** SOCKET_MODE is the unix socket's mode: owner and group may talk to the daemon, nobody else (as dockerd). */
export const SOCKET_MODE = 0o660;

/** parseListenAddress reads `unix:///path` or `tcp://host:port` (IPv6 hosts in brackets). */
export function parseListenAddress(host: string): ListenAddress {
  if (host.startsWith('unix://')) {
    const p = host.slice('unix://'.length);
    if (p === '') throw invalidArgument('WHARF_INVALID_LISTEN_ADDRESS', `invalid listen address ${JSON.stringify(host)}: no socket path`);
    return { kind: 'unix', path: path.resolve(p) };
  }
  const m = /^tcp:\/\/(\[[0-9a-fA-F:.]+\]|[^:/[\]]+):(\d{1,5})$/.exec(host);
  if (m !== null && Number(m[2]) <= 65535) return { kind: 'tcp', host: (m[1] as string).replace(/^\[|\]$/g, ''), port: Number(m[2]) };
  throw invalidArgument('WHARF_INVALID_LISTEN_ADDRESS', `invalid listen address ${JSON.stringify(host)}: want unix:///path or tcp://host:port`);
}

/** socketIsLive tells whether something accepts connections on a unix socket path. */
function socketIsLive(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = net.connect(socketPath);
    conn.setTimeout(1000);
    conn.once('connect', () => {
      conn.destroy();
      resolve(true);
    });
    conn.once('timeout', () => {
      conn.destroy();
      resolve(true);
    });
    conn.once('error', () => resolve(false));
  });
}

/** removeStaleSocket deletes a socket file a dead daemon left; a live socket or any other file is an error. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  let st;
  try {
    st = await fs.lstat(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!st.isSocket()) {
    throw new WharfError('FailedPrecondition', 'WHARF_ADDRESS_IN_USE', `cannot listen on ${socketPath}: the path exists and is not a socket`);
  }
  if (await socketIsLive(socketPath)) {
    throw new WharfError('FailedPrecondition', 'WHARF_ADDRESS_IN_USE', `cannot listen on ${socketPath}: another daemon is serving it`);
  }
  await fs.rm(socketPath, { force: true });
}

// The extra listeners of a server that serves several addresses (`-H` given twice): one http.Server can listen on
// one address only, so further addresses get a net.Server that hands its connections to it.
const extraListeners = new WeakMap<Server, net.Server[]>();

/** listenerFor returns what should listen on a new address: the server itself first, then forwarding listeners. */
function listenerFor(server: Server): net.Server {
  if (!server.listening) return server;
  const forward = net.createServer((socket) => server.emit('connection', socket));
  extraListeners.set(server, [...(extraListeners.get(server) ?? []), forward]);
  return forward;
}

function listenOn(server: net.Server, target: string | { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    const done = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (typeof target === 'string') server.listen(target, done);
    else server.listen(target.port, target.host, done);
  });
}

/** withUmask runs fn with a process umask, so a socket is never reachable by others between bind and chmod. */
function withUmask<T>(mask: number, fn: () => T): T {
  let old: number | undefined;
  try {
    old = process.umask(mask);
  } catch {
    // Worker threads cannot change the umask; the chmod below still applies.
  }
  try {
    return fn();
  } finally {
    if (old !== undefined) process.umask(old);
  }
}

/**
 * listen starts the server on `unix:///path` (removing a stale socket a crashed daemon left, creating the parent
 * directory, mode 0660) or `tcp://host:port`, and resolves once it accepts connections. Call it once per address:
 * a server can serve several.
 */
export async function listen(server: Server, host: string): Promise<ListenAddress> {
  const addr = parseListenAddress(host);
  if (addr.kind === 'tcp') {
    await listenOn(listenerFor(server), addr);
    return addr;
  }
  await fs.mkdir(path.dirname(addr.path), { recursive: true, mode: 0o755 });
  await removeStaleSocket(addr.path);
  const listener = listenerFor(server);
  await withUmask(0o117, () => listenOn(listener, addr.path));
  await fs.chmod(addr.path, SOCKET_MODE);
  return addr;
}

/**
 * stopServer stops accepting connections, closes idle keep-alive connections at once and cuts the remaining ones
 * (event streams, hijacked sessions) after `graceMs`; it resolves when the server has closed.
 */
export async function stopServer(server: Server, graceMs = 2000): Promise<void> {
  const extras = extraListeners.get(server) ?? [];
  extraListeners.delete(server);
  await Promise.all(extras.map((l) => new Promise<void>((resolve) => l.close(() => resolve()))));
  await new Promise<void>((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), graceMs).unref();
  });
}
