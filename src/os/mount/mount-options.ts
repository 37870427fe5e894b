/** MS holds the Linux mount(2) flag values that mount options map to. */
export const MS = {
  RDONLY: 0x1,
  NOSUID: 0x2,
  NODEV: 0x4,
  NOEXEC: 0x8,
  SYNCHRONOUS: 0x10,
  REMOUNT: 0x20,
  MANDLOCK: 0x40,
  DIRSYNC: 0x80,
  NOATIME: 0x400,
  NODIRATIME: 0x800,
  BIND: 0x1000,
  REC: 0x4000,
  UNBINDABLE: 0x20000,
  PRIVATE: 0x40000,
  SLAVE: 0x80000,
  SHARED: 0x100000,
  RELATIME: 0x200000,
  STRICTATIME: 0x1000000,
} as const;

// mount(8) option words → [clear?, flag] (containerd mount_linux.go parseMountOptions).
const FLAG_WORDS: Readonly<Record<string, readonly [boolean, number]>> = {
  async: [true, MS.SYNCHRONOUS],
  atime: [true, MS.NOATIME],
  bind: [false, MS.BIND],
  defaults: [false, 0],
  dev: [true, MS.NODEV],
  diratime: [true, MS.NODIRATIME],
  dirsync: [false, MS.DIRSYNC],
  exec: [true, MS.NOEXEC],
  mand: [false, MS.MANDLOCK],
  noatime: [false, MS.NOATIME],
  nodev: [false, MS.NODEV],
  nodiratime: [false, MS.NODIRATIME],
  noexec: [false, MS.NOEXEC],
  nomand: [true, MS.MANDLOCK],
  norelatime: [true, MS.RELATIME],
  nostrictatime: [true, MS.STRICTATIME],
  nosuid: [false, MS.NOSUID],
  rbind: [false, MS.BIND | MS.REC],
  relatime: [false, MS.RELATIME],
  remount: [false, MS.REMOUNT],
  ro: [false, MS.RDONLY],
  rw: [true, MS.RDONLY],
  strictatime: [false, MS.STRICTATIME],
  suid: [true, MS.NOSUID],
  sync: [false, MS.SYNCHRONOUS],
};

const PROPAGATION_WORDS: Readonly<Record<string, number>> = {
  private: MS.PRIVATE,
  rprivate: MS.PRIVATE | MS.REC,
  shared: MS.SHARED,
  rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE,
  rslave: MS.SLAVE | MS.REC,
  unbindable: MS.UNBINDABLE,
  runbindable: MS.UNBINDABLE | MS.REC,
};

/** ParsedOptions is a mount's options split into what mount(2) takes. */
export interface ParsedOptions {
  /** Flags for the mount call itself. */
  readonly flags: number;
  /** A propagation change to apply with a second call after mounting (0 for none). */
  readonly propagation: number;
  /** Filesystem-specific data, comma-joined (e.g. overlay's lowerdir=...). */
  readonly data: string[];
}

/**
 * parseMountOptions splits mount(8)-style options into flags, a propagation change and filesystem data, as
 * containerd does: known words set or clear flags (later words win), everything else is data.
 */
export function parseMountOptions(options: readonly string[]): ParsedOptions {
  let flags = 0;
  let propagation = 0;
  const data: string[] = [];
  for (const o of options) {
    const word = FLAG_WORDS[o];
    const prop = PROPAGATION_WORDS[o];
    if (word !== undefined) {
      const [clear, flag] = word;
      flags = clear ? flags & ~flag : flags | flag;
    } else if (prop !== undefined) {
      propagation = prop;
    } else if (o !== '') {
      data.push(o);
    }
  }
  return { flags, propagation, data };
}
