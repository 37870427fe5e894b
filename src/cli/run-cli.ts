import { WharfError } from '../common/errors.js';
import type { EngineClient } from '../client/engine-client.js';
import { GROUPS, canonicalPath, findCommand, type CommandEntry } from './commands/index.js';
import { createClient, resolveHost } from './connect.js';
import type { CliIO, CommandContext, CommandSpec, GlobalOptions } from './command.js';
import { exitStatusOf, formatError } from './exit-status.js';
import type { FlagSpec } from './flags/flag-spec.js';
import { GLOBAL_FLAGS, LOG_LEVELS } from './flags/global-flags.js';
import { USAGE_ERROR_CODE, parseFlags, usageError } from './flags/parse-flags.js';

/** BIN is the program name used in messages and help. */
export const BIN = 'wharf';


/** runCli runs one wharf invocation and returns its exit status; errors are printed to stderr as docker prints them. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    const msg = formatError(err);
    if (msg !== '') io.stderr.write(`${msg}\n`);
    return exitStatusOf(err);
  }
}

/** withUsage appends docker's usage hint to a flag error (`Usage:  ...` and `Run '... --help'`). */
function withUsage(err: unknown, path: string, useLine: string): unknown {
  if (!(err instanceof WharfError) || err.code !== USAGE_ERROR_CODE) return err;
  return usageError(`${err.message}\n\nUsage:  ${useLine}\n\nRun '${path} --help' for more information`);
}

async function dispatch(argv: readonly string[], io: CliIO): Promise<number> {
  let g;
  try {
    g = parseFlags(argv, GLOBAL_FLAGS, { interspersed: false });
  } catch (err) {
    throw withUsage(err, BIN, `${BIN} [OPTIONS] COMMAND [ARG...]`);
  }
  if (g.flags.version) {
    const { buildInfo } = await import('./build-info.js');
    const b = buildInfo();
    io.stdout.write(`${BIN} version ${b.version}, build ${b.gitCommit}\n`);
    return 0;
  }
  if (g.help || g.args.length === 0) {
    const { rootHelpText } = await import('./help-pages.js');
    (g.help ? io.stdout : io.stderr).write(rootHelpText(io.columns));
    return 0;
  }
  const globals = checkGlobals(g.flags, g.changed, io);
  const [first = '', ...rest] = g.args;
  if (first === 'help') return help(rest, io);
  if (GROUPS.some((x) => x.name === first)) return dispatchGroup(first, rest, globals, io);
  const entry = findCommand(first);
  if (!entry) throw new WharfError('InvalidArgument', 'WHARF_CLI_UNKNOWN_COMMAND', `${BIN}: unknown command: ${BIN} ${first}\n\nRun '${BIN} --help' for more information`);
  return runEntry(entry, `${BIN} ${first}`, rest, globals, io);
}

function checkGlobals(flags: { 'log-level': string; host: string[]; debug: boolean }, changed: ReadonlySet<string>, io: CliIO): GlobalOptions {
  for (const name of ['context', 'tls', 'tlsverify', 'tlscacert', 'tlscert', 'tlskey']) {
    if (changed.has(name)) throw new WharfError('NotImplemented', 'WHARF_CLI_FLAG_UNSUPPORTED', `--${name} is not supported by wharf`);
  }
  if (changed.has('config')) io.stderr.write(`WARNING: --config is ignored by ${BIN}\n`);
  if (!(LOG_LEVELS as readonly string[]).includes(flags['log-level'])) {
    throw usageError(`Unable to parse logging level: ${flags['log-level']}`);
  }
  return { host: resolveHost(flags.host, io.env), debug: flags.debug, logLevel: flags['log-level'] };
}

async function dispatchGroup(group: string, rest: readonly string[], globals: GlobalOptions, io: CliIO): Promise<number> {
  const [sub, ...args] = rest;
  const { groupHelpText } = await import('./help-pages.js');
  if (sub === undefined) {
    io.stderr.write(groupHelpText(group));
    return 0;
  }
  if (sub.startsWith('-')) {
    try {
      const parsed = parseFlags(rest, []);
      if (parsed.help || parsed.args.length === 0) {
        io.stdout.write(groupHelpText(group));
        return 0;
      }
      return dispatchGroup(group, parsed.args, globals, io);
    } catch (err) {
      throw withUsage(err, `${BIN} ${group}`, `${BIN} ${group}`);
    }
  }
  const entry = findCommand(`${group} ${sub}`);
  if (!entry) {
    throw new WharfError(
      'InvalidArgument',
      'WHARF_CLI_UNKNOWN_COMMAND',
      `${BIN}: unknown command: ${BIN} ${group} ${sub}\n\nUsage:  ${BIN} ${group}\n\nRun '${BIN} ${group} --help' for more information`,
    );
  }
  return runEntry(entry, `${BIN} ${group} ${entry.name}`, args, globals, io);
}

async function help(topic: readonly string[], io: CliIO): Promise<number> {
  const { rootHelpText, groupHelpText, commandHelpText } = await import('./help-pages.js');
  const path = topic.join(' ');
  if (path === '') io.stdout.write(rootHelpText(io.columns));
  else if (GROUPS.some((x) => x.name === path)) io.stdout.write(groupHelpText(path));
  else {
    const entry = findCommand(path);
    if (!entry) throw new WharfError('InvalidArgument', 'WHARF_CLI_UNKNOWN_COMMAND', `unknown help topic: ${path}`);
    const { command } = await entry.load();
    io.stdout.write(commandHelpText(entry, command, helpPath(entry, path), io.columns));
  }
  return 0;
}

/** helpPath is the path a command's usage line shows: the alias typed at top level, else the canonical path. */
function helpPath(entry: CommandEntry, typed: string): string {
  return `${BIN} ${typed.includes(' ') ? canonicalPath(entry) : typed}`;
}

async function runEntry(entry: CommandEntry, path: string, argv: readonly string[], globals: GlobalOptions, io: CliIO): Promise<number> {
  const { command } = await entry.load();
  const shownPath = helpPath(entry, path.slice(BIN.length + 1));
  const use = `${shownPath}${command.usage ? ` ${command.usage}` : ''}`;
  let parsed;
  try {
    parsed = parseFlags(argv, command.flags, { interspersed: command.interspersed ?? true });
  } catch (err) {
    throw withUsage(err, shownPath, use);
  }
  if (parsed.help) {
    const { commandHelpText } = await import('./help-pages.js');
    io.stdout.write(commandHelpText(entry, command, shownPath, io.columns));
    return 0;
  }
  checkArgCount(command, parsed.args.length, shownPath, use);
  let client: EngineClient | undefined;
  const ctx: CommandContext<readonly FlagSpec[]> = {
    flags: parsed.flags,
    changed: parsed.changed,
    args: parsed.args,
    io,
    globals,
    path: shownPath,
    client: () => (client ??= createClient(globals, io)),
  };
  return (await command.run(ctx)) ?? 0;
}

function plural(n: number): string {
  return n === 1 ? 'argument' : 'arguments';
}

/** checkArgCount refuses a wrong number of positional arguments with docker's wording (exit status 1). */
function checkArgCount(command: CommandSpec, n: number, path: string, use: string): void {
  const { min = 0, max = Infinity } = command.args;
  if (n >= min && n <= max) return;
  let what: string;
  let hint = 'Run';
  if (max === 0) what = 'accepts no arguments';
  else if (min === max) what = `requires ${min} ${plural(min)}`;
  else if (n < min && max === Infinity) {
    what = `requires at least ${min} ${plural(min)}`;
    hint = 'See';
  } else if (min === 0) what = `requires at most ${max} ${plural(max)}`;
  else what = `requires at least ${min} and at most ${max} ${plural(max)}`;
  throw new WharfError('InvalidArgument', 'WHARF_CLI_ARGUMENTS', `${BIN}: '${path}' ${what}\n\nUsage:  ${use}\n\n${hint} '${path} --help' for more information`);
}
