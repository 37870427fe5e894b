import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** BuildInfo describes this wharf build for `wharf version` and `wharf -v`. */
export interface BuildInfo {
  /** Package version from package.json. */
  readonly version: string;
  /** Short git commit of the source tree the build came from, or "unknown". */
  readonly gitCommit: string;
  /** When the CLI was built (modification time of the compiled CLI file). */
  readonly built: Date;
}

// dist/src/cli/build-info.js -> the package root is three levels up.
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function packageVersion(): string {
  const text = readText(`${PACKAGE_ROOT}package.json`);
  try {
    const v: unknown = text ? (JSON.parse(text) as { version?: unknown }).version : undefined;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}

function gitCommit(): string {
  const head = readText(`${PACKAGE_ROOT}.git/HEAD`)?.trim();
  if (!head) return 'unknown';
  if (!head.startsWith('ref: ')) return head.slice(0, 7);
  const ref = head.slice(5);
  const loose = readText(`${PACKAGE_ROOT}.git/${ref}`)?.trim();
  if (loose) return loose.slice(0, 7);
  const packed = readText(`${PACKAGE_ROOT}.git/packed-refs`) ?? '';
  const line = packed.split('\n').find((l) => l.endsWith(` ${ref}`));
  return line ? line.slice(0, 7) : 'unknown';
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** formatAnsic is Go's time.ANSIC layout (`Mon Jan _2 15:04:05 2006`), in which docker shows build times. */
export function formatAnsic(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const clock = `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${clock} ${d.getFullYear()}`;
}

/** buildInfo reads the version, commit and build time (a few small file reads; only version commands call it). */
export function buildInfo(): BuildInfo {
  let built = new Date(0);
  try {
    built = statSync(fileURLToPath(import.meta.url)).mtime;
  } catch {
    // keep the epoch: the file always exists when this code runs from it
  }
  return { version: packageVersion(), gitCommit: gitCommit(), built };
}
