import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { API_VERSION } from '../../../api/version.js';
import type { SystemVersion } from '../../../client/engine-client.js';
import type { CommandSpec } from '../../command.js';
import { badTemplate } from '../../run-cli.js';
import { INSPECT_FORMAT_HELP } from '../../flags/parse-flags.js';
import type { CompiledTemplate } from '../../render/template/template.js';

// ---- build facts (here rather than in a module of their own: `wharf version` must start fast)

/** BuildInfo describes this wharf build for `wharf version` and `wharf -v`. */
export interface BuildInfo {
  /** Package version from package.json. */
  readonly version: string;
  /** Short git commit of the source tree the build came from, or "unknown". */
  readonly gitCommit: string;
  /** When the CLI was built (modification time of the compiled CLI file). */
  readonly built: Date;
}

// dist/src/cli/commands/system/version.js -> the package root is five levels up.
const PACKAGE_ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));

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

// ---- the command

/** nodeArch names Node's architecture as Go's GOARCH does. */
function goArch(arch: string): string {
  return ({ x64: 'amd64', ia32: '386', ppc64: 'ppc64le' } as Record<string, string>)[arch] ?? arch;
}

/** ClientVersion is what `wharf version` reports about the CLI itself (docker's clientVersion). */
export interface ClientVersion {
  Version: string;
  ApiVersion: string;
  DefaultAPIVersion: string;
  GitCommit: string;
  NodeVersion: string;
  Os: string;
  Arch: string;
  BuildTime: string;
  Context: string;
}

type Details = Record<string, string>;

interface Component {
  Name: string;
  Version: string;
  Details?: Details | null;
}

/**
 * align lays out `label\tvalue` lines as docker's tabwriter (minwidth 20, padding 1) does for this output: each run
 * of tabbed lines is one column block. (The default output avoids loading the tabwriter: start-up time.)
 */
function align(text: string): string {
  const lines = text.split('\n');
  let out = '';
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j < lines.length && (lines[j] ?? '').includes('\t')) j++;
    if (j === i) {
      out += `${lines[i]}${i + 1 < lines.length ? '\n' : ''}`;
      i++;
      continue;
    }
    const block = lines.slice(i, j).map((l) => l.split('\t'));
    const width = Math.max(20, ...block.map(([label = '']) => label.length + 1));
    for (const [label = '', ...rest] of block) out += `${label.padEnd(width)}${rest.join('\t')}\n`;
    i = j;
  }
  return out;
}

function clientSection(c: ClientVersion): string {
  const downgraded = c.ApiVersion !== c.DefaultAPIVersion ? ` (downgraded from ${c.DefaultAPIVersion})` : '';
  return [
    'Client:',
    ` Version:\t${c.Version}`,
    ` API version:\t${c.ApiVersion}${downgraded}`,
    ` Node version:\t${c.NodeVersion}`,
    ` Git commit:\t${c.GitCommit}`,
    ` Built:\t${c.BuildTime}`,
    ` OS/Arch:\t${c.Os}/${c.Arch}`,
    ` Context:\t${c.Context}`,
  ].join('\n');
}

/** reformatDate is docker's: an RFC 3339 build time is shown in Go's ANSIC layout. */
function reformatDate(s: string | undefined): string {
  if (!s) return '';
  const t = Date.parse(s);
  return /^\d{4}-\d\d-\d\dT/.test(s) && !Number.isNaN(t) ? formatAnsic(new Date(t)) : s;
}

/** engineComponents returns the server's components, adding an "Engine" one from the top-level fields if absent. */
function engineComponents(sv: SystemVersion): Component[] {
  const comps = ((sv.Components ?? []) as unknown as Component[]).map((c) => ({ ...c, Details: { ...(c.Details ?? {}) } }));
  const engine = comps.find((c) => c.Name === 'Engine');
  if (engine) {
    if (engine.Details.BuildTime) engine.Details.BuildTime = reformatDate(engine.Details.BuildTime);
    return comps;
  }
  comps.push({
    Name: 'Engine',
    Version: sv.Version ?? '',
    Details: {
      ApiVersion: sv.ApiVersion ?? '',
      MinAPIVersion: sv.MinAPIVersion ?? '',
      GitCommit: sv.GitCommit ?? '',
      GoVersion: sv.GoVersion ?? '',
      Os: sv.Os ?? '',
      Arch: sv.Arch ?? '',
      BuildTime: reformatDate(sv.BuildTime),
      Experimental: String(sv.Experimental ?? false),
    },
  });
  return comps;
}

function serverSection(sv: SystemVersion): string {
  const name = sv.Platform?.Name ? ` ${sv.Platform.Name}` : '';
  const lines = [`Server:${name}`];
  for (const c of engineComponents(sv)) {
    const d: Details = c.Details ?? {};
    lines.push(` ${c.Name}:`);
    if (c.Name === 'Engine') {
      // The daemon reports its runtime in GoVersion; wharfd's is a Node.js version.
      const runtime = (d.GoVersion ?? '').startsWith('go') ? 'Go version' : 'Node version';
      lines.push(
        `  Version:\t${c.Version}`,
        `  API version:\t${d.ApiVersion ?? ''} (minimum version ${d.MinAPIVersion ?? ''})`,
        `  ${runtime}:\t${d.GoVersion ?? ''}`,
        `  Git commit:\t${d.GitCommit ?? ''}`,
        `  Built:\t${d.BuildTime ?? ''}`,
        `  OS/Arch:\t${d.Os ?? ''}/${d.Arch ?? ''}`,
        `  Experimental:\t${d.Experimental ?? ''}`,
      );
    } else {
      lines.push(`  Version:\t${c.Version}`, ...Object.keys(d).sort().map((k) => `  ${k}:\t${d[k] ?? ''}`));
    }
  }
  return lines.join('\n');
}

const FLAGS = [{ name: 'format', short: 'f', type: 'string', usage: INSPECT_FORMAT_HELP }] as const;

type Template = CompiledTemplate;

async function compileFormat(format: string): Promise<Template | undefined> {
  if (format === '') return undefined;
  const { compileTemplate } = await import('../../render/template/template.js');
  try {
    return compileTemplate(format === 'json' ? '{{json .}}' : format, 'version');
  } catch (err) {
    throw badTemplate(err);
  }
}

/** clientVersion is the client half of `wharf version` (also shown by `wharf info`). */
export function clientVersion(apiVersion: string): ClientVersion {
  const b = buildInfo();
  return {
    Version: b.version,
    ApiVersion: apiVersion,
    DefaultAPIVersion: API_VERSION,
    GitCommit: b.gitCommit,
    NodeVersion: process.version,
    Os: process.platform,
    Arch: goArch(process.arch),
    BuildTime: formatAnsic(b.built),
    Context: 'default',
  };
}

/** renderTemplate runs --format over {Client, Server} through docker's tabwriter; an error keeps partial output. */
async function renderTemplate(tmpl: Template, info: ClientVersion, server: SystemVersion | undefined): Promise<{ text: string; error?: unknown }> {
  const { TabWriter } = await import('../../render/tabwriter.js');
  const tw = new TabWriter(20, 1);
  const Server = server ? { ...server, Components: engineComponents(server) } : null;
  const partial = { text: '' };
  let error: unknown;
  try {
    tw.write(tmpl.execute({ Client: info, Server }, { partial }));
  } catch (err) {
    tw.write(partial.text);
    error = err;
  }
  tw.write('\n');
  return { text: tw.flush(), error };
}

/** command is `wharf version`: client and server versions; the client part is printed even when the daemon is down. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: '[OPTIONS]',
  args: { max: 0 },
  flags: FLAGS,
  async run(ctx) {
    const tmpl = await compileFormat(ctx.flags.format);
    const client = ctx.client();
    let server: SystemVersion | undefined;
    let failure: unknown;
    try {
      server = await client.version();
    } catch (err) {
      failure = err;
    }
    const info = clientVersion(client.apiVersion);
    if (tmpl) {
      const { text, error } = await renderTemplate(tmpl, info, server);
      ctx.io.stdout.write(text);
      failure ??= error;
    } else {
      ctx.io.stdout.write(align(`${clientSection(info)}${server ? `\n\n${serverSection(server)}` : ''}\n`));
    }
    if (failure !== undefined) throw failure;
  },
};
