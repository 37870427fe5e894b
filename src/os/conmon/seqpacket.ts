import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

/** SeqpacketHandlers receive what arrives on a SOCK_SEQPACKET connection. */
export interface SeqpacketHandlers {
  /** One message, its boundaries kept. */
  message(msg: Buffer): void;
  /** The connection is over: the peer closed it (no error) or it broke. Called once. */
  end(err?: Error): void;
}

/** SeqpacketConnection is a connected SOCK_SEQPACKET unix socket. */
export interface SeqpacketConnection {
  /** send writes one message; the callback runs once the kernel has it (backpressure for the writer). */
  send(msg: Buffer, cb: (err?: Error) => void): void;
  /** shutdownWrite half-closes the connection once queued messages are sent (the peer reads EOF). */
  shutdownWrite(cb: (err?: Error) => void): void;
  /** close drops the connection at once. */
  close(): void;
}

/** SeqpacketConnect opens a connection to the socket at `socketPath`. */
export type SeqpacketConnect = (socketPath: string, handlers: SeqpacketHandlers) => Promise<SeqpacketConnection>;

// sockaddr_un.sun_path holds 108 bytes including the terminating NUL.
const SUN_PATH_MAX = 107;
// conmon's largest message is STDIO_BUF_SIZE + 1 (8193 bytes); a SOCK_SEQPACKET read with a smaller buffer would
// silently drop the rest of a message, so leave plenty of room.
const READ_BUFFER = 64 * 1024;

interface NusSocket {
  on(event: 'data', cb: (b: Buffer) => void): void;
  on(event: 'end' | 'close', cb: () => void): void;
  on(event: 'error', cb: (e: Error) => void): void;
  connect(path: string, cb: () => void): void;
  write(buf: Buffer, offset: number, length: number, cb: () => void): void;
  end(cb: () => void): void;
  destroy(): void;
  setInternalReadBufferSize(size: number): void;
}

let SocketClass: (new () => NusSocket) | undefined;

// Loaded on first use, so that importing this module never fails where the package's binary is missing.
function seqpacketSocket(): NusSocket {
  if (SocketClass === undefined) {
    const mod = createRequire(import.meta.url)('node-unix-socket') as { SeqpacketSocket: new () => NusSocket };
    SocketClass = mod.SeqpacketSocket;
  }
  return new SocketClass();
}

/**
 * connectSeqpacket is the SeqpacketConnect of the `node-unix-socket` package (Node itself has no SOCK_SEQPACKET).
 * Paths longer than sun_path allows (an exec session's attach socket can be) are reached through
 * /proc/self/fd/<dirfd>/<name>, with the directory held open only while connecting.
 *
 * Known limit: the package reads whenever data is available and cannot pause, so this transport gives no
 * backpressure to the monitor; AttachSession bounds what it buffers instead (see ATTACH_BUFFER_LIMIT). Its
 * 'error' for a peer that vanished (libuv reports POLLERR as EBADF) is treated as the end of the connection.
 */
export const connectSeqpacket: SeqpacketConnect = (socketPath, handlers) =>
  new Promise((resolve, reject) => {
    const sock = seqpacketSocket();
    sock.setInternalReadBufferSize(READ_BUFFER);
    let connected = false;
    let ended = false;
    const finish = (err?: Error): void => {
      if (ended) return;
      ended = true;
      if (connected) handlers.end(err);
      else reject(err ?? new Error(`connection to ${socketPath} closed`));
    };
    sock.on('data', (b) => handlers.message(b));
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e) => finish(/EBADF/.test(e.message) ? undefined : e));
    let dirFd: number | undefined;
    let target = socketPath;
    if (Buffer.byteLength(socketPath) > SUN_PATH_MAX) {
      dirFd = fs.openSync(path.dirname(socketPath), fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      target = `/proc/self/fd/${dirFd}/${path.basename(socketPath)}`;
    }
    try {
      sock.connect(target, () => {
        connected = true;
        resolve(wrap(sock));
      });
    } catch (err) {
      ended = true;
      sock.destroy();
      reject(err as Error);
    } finally {
      // connect(2) resolved the path synchronously; the directory descriptor is no longer needed.
      if (dirFd !== undefined) fs.closeSync(dirFd);
    }
  });

function wrap(sock: NusSocket): SeqpacketConnection {
  let closed = false;
  return {
    send: (msg, cb) => {
      if (closed) return cb(new Error('connection closed'));
      try {
        sock.write(msg, 0, msg.length, () => cb());
      } catch (err) {
        cb(err as Error);
      }
    },
    shutdownWrite: (cb) => {
      if (closed) return cb();
      try {
        sock.end(() => cb());
      } catch (err) {
        cb(err as Error);
      }
    },
    close: () => {
      if (closed) return;
      closed = true;
      sock.destroy();
    },
  };
}
