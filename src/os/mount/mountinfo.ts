import fs from 'node:fs/promises';

/** MountInfo is one line of /proc/<pid>/mountinfo (proc(5)). */
export interface MountInfo {
  readonly id: number;
  readonly parent: number;
  /** major:minor of the filesystem. */
  readonly device: string;
  /** The directory of the filesystem that forms the root of this mount. */
  readonly root: string;
  /** Where it is mounted, relative to the reader's root. */
  readonly mountPoint: string;
  /** Per-mount options (rw, nosuid, relatime, ...). */
  readonly options: string;
  /** Optional fields such as `shared:1`, `master:2`. */
  readonly optional: readonly string[];
  readonly fsType: string;
  readonly source: string;
  /** Per-superblock options (for overlay: lowerdir=..., upperdir=..., workdir=...). */
  readonly superOptions: string;
}

/** unescapeMountField decodes the kernel's octal escapes in mountinfo paths (\040 space, \011 tab, \012 newline, \134 backslash). */
export function unescapeMountField(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_m, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** parseMountInfoLine parses one mountinfo line; undefined when it is not of that form. */
export function parseMountInfoLine(line: string): MountInfo | undefined {
  const fields = line.split(' ');
  const dash = fields.indexOf('-', 6);
  if (dash < 0 || fields.length < dash + 4) return undefined;
  const [id, parent, device, root, mountPoint, options] = fields;
  if (id === undefined || parent === undefined || device === undefined || root === undefined || mountPoint === undefined || options === undefined) {
    return undefined;
  }
  if (!/^\d+$/.test(id) || !/^\d+$/.test(parent) || !/^\d+:\d+$/.test(device)) return undefined;
  return {
    id: Number(id),
    parent: Number(parent),
    device,
    root: unescapeMountField(root),
    mountPoint: unescapeMountField(mountPoint),
    options,
    optional: fields.slice(6, dash),
    fsType: fields[dash + 1] ?? '',
    source: unescapeMountField(fields[dash + 2] ?? ''),
    superOptions: fields.slice(dash + 3).join(' '),
  };
}

/** parseMountInfo parses the whole text of a mountinfo file, skipping blank and malformed lines. */
export function parseMountInfo(text: string): MountInfo[] {
  const out: MountInfo[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const m = parseMountInfoLine(line);
    if (m !== undefined) out.push(m);
  }
  return out;
}

/** readMountInfo reads and parses /proc/self/mountinfo (or another mountinfo file). */
export async function readMountInfo(file = '/proc/self/mountinfo'): Promise<MountInfo[]> {
  return parseMountInfo(await fs.readFile(file, 'utf8'));
}
