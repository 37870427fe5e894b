/**
 * SpecialFileOps is the port through which layer unpacking reaches the host operations Node's fs lacks:
 * device nodes (overlayfs whiteouts are character devices 0:0), extended attributes (file capabilities, the
 * overlayfs opaque marker) and a filesystem-wide flush. src/os/native implements it with a small N-API addon;
 * tests use doubles.
 *
 * Every method is synchronous (one system call each) because the unpacker runs them from a worker thread doing
 * synchronous I/O. Functions cannot cross a thread boundary, so an implementation that should be used from the
 * unpack worker names the ES module it lives in: `moduleUrl`, whose named export `specialFileOps` must be an
 * equivalent object. Without `moduleUrl` the unpacker runs on the calling thread.
 */
export interface SpecialFileOps {
  /** mknod creates a device node or FIFO; `mode` includes the file type bits (S_IFCHR, S_IFBLK, S_IFIFO). */
  mknod(path: string, mode: number, major: number, minor: number): void;
  /** lsetxattr sets an extended attribute on `path` itself (a final symlink is not followed). */
  lsetxattr(path: string, name: string, value: Buffer): void;
  /** syncfs flushes the whole filesystem holding `path` to disk (cheaper than an fsync per unpacked file). */
  syncfs(path: string): void;
  /** moduleUrl is the URL of an ES module exporting `specialFileOps`, an equivalent object for worker threads. */
  readonly moduleUrl?: string;
}

/** S_IFMT and friends: the file type bits of a mode (Linux values; Node's fs.constants lacks some on other hosts). */
export const FILE_TYPE = {
  S_IFMT: 0o170000,
  S_IFIFO: 0o010000,
  S_IFCHR: 0o020000,
  S_IFDIR: 0o040000,
  S_IFBLK: 0o060000,
  S_IFREG: 0o100000,
  S_IFLNK: 0o120000,
} as const;
