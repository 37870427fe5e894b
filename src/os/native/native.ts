import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { SpecialFileOps } from '../../core/archive/special-file-ops.js';

/** NativeBinding is the shape of build/Release/wharf_native.node (native/wharf_native.c). */
interface NativeBinding {
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  lgetxattr(path: string, name: string): Buffer | undefined;
  llistxattr(path: string): string[];
  flock(fd: number, exclusive: boolean, nonblocking: boolean): boolean;
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): void;
  umount2(target: string, flags: number): void;
  syncfs(fd: number): void;
  SeqpacketSocket: new (path: string, onevent: (kind: number, payload: Buffer | Error | undefined) => void) => NativeSeqpacket;
  seqpacketListen(path: string, backlog: number): number;
  seqpacketAccept(fd: number): number;
}

/** NativeSeqpacket is the addon's SeqpacketSocket object (native/wharf_native.c). */
interface NativeSeqpacket {
  readonly fd: number;
  send(msg: Buffer): boolean;
  readStart(): void;
  readStop(): void;
  shutdown(): void;
  close(): void;
}

const ADDON = path.join('build', 'Release', 'wharf_native.node');
let binding: NativeBinding | undefined;

/** packageRoot walks up from this file to the directory holding the addon's build (works from src/ and dist/src/). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'binding.gyp'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error('wharf_native: cannot find the package root (binding.gyp) above this module');
    dir = up;
  }
}

// Loaded on first use, so merely importing this module never fails on a machine without the build.
function native(): NativeBinding {
  if (binding === undefined) {
    const file = path.join(packageRoot(), ADDON);
    try {
      binding = createRequire(import.meta.url)(file) as NativeBinding;
    } catch (err) {
      throw new Error(`wharf_native: cannot load ${file} (build it with \`npm run build\`)`, { cause: err });
    }
  }
  return binding;
}

/** MOUNT_FLAGS are the mount(2) and umount2(2) flag values of Linux, for `mount` and `umount2`. */
export const MOUNT_FLAGS = {
  MS_RDONLY: 0x1,
  MS_NOSUID: 0x2,
  MS_NODEV: 0x4,
  MS_NOEXEC: 0x8,
  MS_REMOUNT: 0x20,
  MS_BIND: 0x1000,
  MS_MOVE: 0x2000,
  MS_REC: 0x4000,
  MS_PRIVATE: 0x40000,
  MS_SLAVE: 0x80000,
  MS_SHARED: 0x100000,
  MNT_FORCE: 0x1,
  MNT_DETACH: 0x2,
} as const;

/** mknod creates a device node or FIFO (mode includes S_IFCHR/S_IFBLK/S_IFIFO); throws an errno error (e.g. EPERM). */
export function mknod(file: string, mode: number, major: number, minor: number): void {
  native().mknod(file, mode, major, minor);
}

/** lsetxattr sets an extended attribute on the path itself, not on a symlink's target. */
export function lsetxattr(file: string, name: string, value: Buffer): void {
  native().lsetxattr(file, name, value);
}

/** lgetxattr returns an extended attribute's value, or undefined when the file does not carry it. */
export function lgetxattr(file: string, name: string): Buffer | undefined {
  return native().lgetxattr(file, name);
}

/** llistxattr returns the names of the extended attributes on the path itself. */
export function llistxattr(file: string): string[] {
  return native().llistxattr(file);
}

/**
 * flock applies flock(2) to an open file descriptor: an exclusive or shared lock, waiting for it (which blocks the
 * calling thread) or, with `nonblocking`, returning false at once when another open file description holds it.
 * The lock lasts until the descriptor is closed. The daemon's data-root lock:
 * `const fd = fs.openSync(layout.lockFile, 'a'); if (!flock(fd, true, true)) throw ...already running...`.
 */
export function flock(fd: number, exclusive: boolean, nonblocking: boolean): boolean {
  return native().flock(fd, exclusive, nonblocking);
}

/** mount performs mount(2); `source`, `fstype` and `data` may be null (e.g. for MS_BIND or propagation changes). */
export function mount(
  source: string | null,
  target: string,
  fstype: string | null,
  flags: number,
  data: string | null,
): void {
  native().mount(source, target, fstype, flags, data);
}

/** umount2 performs umount2(2) with MOUNT_FLAGS.MNT_DETACH / MNT_FORCE or 0. */
export function umount2(target: string, flags: number): void {
  native().umount2(target, flags);
}

/** syncfs flushes the whole filesystem that holds `file` (a file or directory) to disk. */
export function syncfs(file: string): void {
  const fd = fs.openSync(file, fs.constants.O_RDONLY);
  try {
    native().syncfs(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * specialFileOps is the host implementation of core's SpecialFileOps port; its `moduleUrl` names this module, so
 * the layer unpacker's worker thread loads its own copy of the addon.
 */
export const specialFileOps: SpecialFileOps = {
  mknod,
  lsetxattr,
  syncfs,
  moduleUrl: import.meta.url,
};

/**
 * SeqpacketListener receives what a SeqpacketHandle reports. Calls come from the event loop as top-level callbacks
 * (microtasks run after each); an exception thrown by a listener is an uncaught exception.
 */
export interface SeqpacketListener {
  /** message is one message, its boundaries kept. */
  message(msg: Buffer): void;
  /** end: the peer closed the connection (or sent an empty message, which reads the same); reading has stopped. */
  end(): void;
  /** error: reading failed (code ECONNRESET, EMSGSIZE for a message over 64 KiB, ...); reading has stopped. */
  error(err: NodeJS.ErrnoException): void;
  /** writable: after send returned false, the socket can take messages again. */
  writable(): void;
}

/**
 * SeqpacketHandle is a connected AF_UNIX SOCK_SEQPACKET socket of the addon, read through the event loop. Nothing
 * is read until readStart; readStop pauses reading (the peer's sends then block once the socket buffer is full).
 * While reading or waiting to write, the handle keeps the event loop alive and itself from garbage collection; an
 * idle handle that is dropped without close() is closed when collected.
 */
export interface SeqpacketHandle {
  /** fd is the socket's descriptor, -1 once closed. */
  readonly fd: number;
  /** send hands one message to the kernel: true when done, false when the socket is full (`writable` follows). */
  send(msg: Buffer): boolean;
  /** readStart delivers messages to the listener as they arrive. */
  readStart(): void;
  /** readStop pauses reading; readStart resumes it. */
  readStop(): void;
  /** shutdown half-closes the connection (SHUT_WR): the peer reads end-of-file; this side can still receive. */
  shutdown(): void;
  /** close stops reading and closes the descriptor; later calls do nothing. */
  close(): void;
}

const SP_MESSAGE = 0;
const SP_END = 1;
const SP_ERROR = 2;
const SP_WRITABLE = 3;

/**
 * seqpacketConnect connects to the SOCK_SEQPACKET socket at `socketPath` (at most 107 bytes; longer paths go
 * through /proc/self/fd/<dir>/<name>, see os/conmon/seqpacket.ts). Throws an errno error (code ENOENT,
 * ECONNREFUSED, EAGAIN for a full backlog, ENAMETOOLONG, ...). Sends and events never block the thread.
 */
export function seqpacketConnect(socketPath: string, listener: SeqpacketListener): SeqpacketHandle {
  return new (native().SeqpacketSocket)(socketPath, (kind, payload) => {
    if (kind === SP_MESSAGE) listener.message(payload as Buffer);
    else if (kind === SP_END) listener.end();
    else if (kind === SP_ERROR) listener.error((payload as NodeJS.ErrnoException | undefined) ?? new Error('seqpacket: read failed'));
    else if (kind === SP_WRITABLE) listener.writable();
  });
}

/**
 * seqpacketListen binds a non-blocking listening SOCK_SEQPACKET socket at `socketPath` and returns its descriptor
 * (close it with fs.closeSync). wharf only connects to such sockets (conmon listens); tests use this as the peer.
 */
export function seqpacketListen(socketPath: string, backlog = 16): number {
  return native().seqpacketListen(socketPath, backlog);
}

/**
 * seqpacketAccept returns the non-blocking descriptor of a connection waiting on a seqpacketListen socket, or
 * undefined when none is waiting. The descriptor works with fs.readSync/writeSync (one message per call).
 */
export function seqpacketAccept(listenFd: number): number | undefined {
  const fd = native().seqpacketAccept(listenFd);
  return fd < 0 ? undefined : fd;
}
