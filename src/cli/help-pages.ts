import { COMMANDS, GROUPS, canonicalPath, type CommandEntry } from './commands/index.js';
import type { CommandSpec } from './command.js';
import { GLOBAL_FLAGS } from './run-cli.js';
import { commandHelp, groupHelp, rootHelp, type CommandListing } from './render/help.js';

const BIN = 'wharf';

const byName = (a: CommandListing, b: CommandListing): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** rootHelpText is `wharf --help`. */
export function rootHelpText(columns: number): string {
  const common = COMMANDS.filter((e) => e.top !== undefined)
    .sort((a, b) => (a.top ?? 0) - (b.top ?? 0))
    .map((e) => ({ name: e.group ? (e.aliases.find((a) => !a.includes(' ')) ?? e.name) : e.name, description: e.description }));
  const topLevel: CommandListing[] = [];
  for (const e of COMMANDS) {
    if (e.top !== undefined) continue;
    if (!e.group) topLevel.push({ name: e.name, description: e.description });
    for (const a of e.aliases) if (!a.includes(' ')) topLevel.push({ name: a, description: e.description });
  }
  return rootHelp(
    {
      bin: BIN,
      description: 'A Docker-compatible container engine',
      common,
      management: GROUPS.map((g) => ({ name: g.name, description: g.description })),
      commands: topLevel.sort(byName),
      globalFlags: GLOBAL_FLAGS,
    },
    columns,
  );
}

/** groupHelpText is `wharf image` / `wharf system`: the group's subcommands. */
export function groupHelpText(group: string): string {
  const g = GROUPS.find((x) => x.name === group);
  const subs = COMMANDS.filter((e) => e.group === group).map((e) => ({ name: e.name, description: e.description }));
  return groupHelp(`${BIN} ${group}`, g?.description ?? '', subs.sort(byName));
}

/** commandHelpText is `wharf <command> --help`, with the aliases line docker prints. */
export function commandHelpText(entry: CommandEntry, spec: CommandSpec, shownPath: string, columns: number): string {
  const aliases = entry.aliases.length > 0 ? [canonicalPath(entry), ...entry.aliases].map((p) => `${BIN} ${p}`) : [];
  return commandHelp({ path: shownPath, usage: spec.usage, description: entry.description, aliases, flags: spec.flags }, columns);
}
