import type { FlagSpec } from '../flags/flag-spec.js';

const TYPE_NAMES: Record<FlagSpec['type'], string> = {
  bool: '',
  string: 'string',
  int: 'int',
  list: 'list',
  strings: 'strings',
  filter: 'filter',
};

function defaultText(f: FlagSpec): string {
  if (f.default === undefined || f.default === false || f.default === '' || f.default === 0) return '';
  return typeof f.default === 'string' ? ` (default ${JSON.stringify(f.default)})` : ` (default ${String(f.default)})`;
}

/** wrapN is pflag's wrapN: split s at the last space before column i (allowing `slop` overflow at the end). */
function wrapN(i: number, slop: number, s: string): [string, string] {
  if (i + slop > s.length) return [s, ''];
  const head = s.slice(0, i);
  const w = Math.max(head.lastIndexOf(' '), head.lastIndexOf('\t'), head.lastIndexOf('\n'));
  if (w <= 0) return [s, ''];
  const nl = head.lastIndexOf('\n');
  if (nl > 0 && nl < w) return [s.slice(0, nl), s.slice(nl + 1)];
  return [s.slice(0, w), s.slice(w + 1)];
}

/** wrap is pflag's wrap: indent continuation lines by i and wrap at width w. */
function wrap(i: number, w: number, s: string): string {
  let width = w - i;
  let r = '';
  if (width < 24) {
    i = 16;
    width = w - i;
    r += `\n${' '.repeat(i)}`;
  }
  if (width < 24) return s.replaceAll('\n', r);
  const slop = 5;
  width -= slop;
  const indent = `\n${' '.repeat(i)}`;
  let [l, rest] = wrapN(width, slop, s);
  r += l.replaceAll('\n', indent);
  while (rest !== '') {
    [l, rest] = wrapN(width, slop, rest);
    r += indent + l.replaceAll('\n', indent);
  }
  return r;
}

/** flagUsages renders a flag table as pflag's FlagUsagesWrapped(cols): sorted by name, aligned, wrapped. */
export function flagUsages(flags: readonly FlagSpec[], cols: number): string {
  const visible = flags.filter((f) => !f.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = visible.map((f) => {
    let line = f.short ? `  -${f.short}, --${f.name}` : `      --${f.name}`;
    const type = TYPE_NAMES[f.type];
    if (type) line += ` ${type}`;
    return { left: line, right: f.usage + defaultText(f) };
  });
  const maxlen = Math.max(0, ...lines.map((l) => l.left.length));
  return lines.map((l) => `${l.left}${' '.repeat(maxlen - l.left.length)}   ${wrap(maxlen + 3, cols, l.right)}\n`).join('');
}

/** CommandHelp describes one command for its --help page. */
export interface CommandHelp {
  /** Full invoked path including the binary, e.g. `wharf images`. */
  readonly path: string;
  readonly usage: string;
  readonly description: string;
  /** Full alias paths including the binary; empty when the command has none. */
  readonly aliases: readonly string[];
  readonly flags: readonly FlagSpec[];
}

/** commandHelp renders docker's help page for a command. */
export function commandHelp(h: CommandHelp, columns: number): string {
  let s = `Usage:  ${useLine(h.path, h.usage)}\n\n${h.description}\n`;
  if (h.aliases.length > 0) s += `\nAliases:\n  ${h.aliases.join(', ')}\n`;
  if (h.flags.some((f) => !f.hidden)) s += `\nOptions:\n${flagUsages(h.flags, columns - 1).trimEnd()}\n`;
  return s;
}

/** useLine is the usage line of a command (docker's cobra UseLine). */
export function useLine(path: string, usage: string): string {
  return usage ? `${path} ${usage}` : path;
}

/** CommandListing is one row of a "Commands:" section. */
export interface CommandListing {
  readonly name: string;
  readonly description: string;
}

function listing(rows: readonly CommandListing[]): string {
  const pad = Math.max(11, ...rows.map((r) => r.name.length));
  return rows.map((r) => `  ${r.name.padEnd(pad)} ${r.description}\n`).join('');
}

/** groupHelp renders a management command's help: its subcommands. */
export function groupHelp(path: string, description: string, subs: readonly CommandListing[]): string {
  return `Usage:  ${path} COMMAND\n\n${description}\n\nCommands:\n${listing(subs)}\nRun '${path} COMMAND --help' for more information on a command.\n`;
}

/** RootHelp is the content of `wharf --help`. */
export interface RootHelp {
  readonly bin: string;
  readonly description: string;
  readonly common: readonly CommandListing[];
  readonly management: readonly CommandListing[];
  readonly commands: readonly CommandListing[];
  readonly globalFlags: readonly FlagSpec[];
}

/** rootHelp renders the top-level help page. */
export function rootHelp(h: RootHelp, columns: number): string {
  let s = `Usage:  ${h.bin} [OPTIONS] COMMAND\n\n${h.description}\n`;
  if (h.common.length) s += `\nCommon Commands:\n${listing(h.common)}`;
  if (h.management.length) s += `\nManagement Commands:\n${listing(h.management)}`;
  if (h.commands.length) s += `\nCommands:\n${listing(h.commands)}`;
  s += `\nGlobal Options:\n${flagUsages(h.globalFlags, columns - 1).trimEnd()}\n`;
  s += `\nRun '${h.bin} COMMAND --help' for more information on a command.\n`;
  return s;
}
