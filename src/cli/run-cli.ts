import { EngineClient } from '../client/engine-client.js';
import { isDaemonError } from '../client/transport.js';
import { WharfError } from '../common/errors.js';
import { GROUPS, canonicalPath, findCommand, type CommandEntry } from './commands/index.js';
import type { CliIO, CommandContext, CommandSpec, GlobalOptions } from './command.js';
import type { FlagSpec } from './flags/flag-spec.js';
import { USAGE_ERROR_CODE, parseFlags, usageError } from './flags/parse-flags.js';

// The dispatcher: global flags, command lookup, flag parsing, exit statuses. Every invocation loads this module,
// so what all commands share at run time (error formatting, client creation) lives here too: each extra ES
// module costs start-up time.

// ---- global flags

/**
 * GLOBAL_FLAGS are the flags given before the command (docker's root flags). `--config` is accepted and ignored
 * with a warning; `--context` and the TLS flags are recognised but refused (they would change where and how we
 * connect, and wharf does not implement them).
 */
export const GLOBAL_FLAGS = [
  { name: 'config', type: 'string', usage: 'Location of client config files (ignored by wharf)' },
  { name: 'context', short: 'c', type: 'string', usage: 'Name of the context to use to connect to the daemon', hidden: true },
  { name: 'debug', short: 'D', type: 'bool', usage: 'Enable debug mode' },
  { name: 'host', short: 'H', type: 'list', usage: 'Daemon socket to connect to' },
  {
    name: 'log-level',
    short: 'l',
    type: 'string',
    usage: 'Set the logging level ("debug", "info", "warn", "error", "fatal")',
    default: 'info',
  },
  { name: 'tls', type: 'bool', usage: 'Use TLS; implied by --tlsverify', hidden: true },
  { name: 'tlscacert', type: 'string', usage: 'Trust certs signed only by this CA', hidden: true },
  { name: 'tlscert', type: 'string', usage: 'Path to TLS certificate file', hidden: true },
  { name: 'tlskey', type: 'string', usage: 'Path to TLS key file', hidden: true },
  { name: 'tlsverify', type: 'bool', usage: 'Use TLS and verify the remote', hidden: true },
  { name: 'version', short: 'v', type: 'bool', usage: 'Print version information and quit' },
] as const satisfies readonly FlagSpec[];

/** LOG_LEVELS are the values --log-level accepts. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;

// ---- errors and exit statuses

/** BAD_TEMPLATE_CODE marks a --format template that inspect-style commands could not parse (docker exits 64). */
export const BAD_TEMPLATE_CODE = 'WHARF_CLI_BAD_TEMPLATE';

// compat: docker exits 125 for flag errors (cli.FlagErrorFunc) and 64 for inspect/version template errors;
// every other error, the daemon's included, exits 1.
const EXIT_STATUS_BY_CODE: Readonly<Record<string, number>> = {
  [USAGE_ERROR_CODE]: 125,
  [BAD_TEMPLATE_CODE]: 64,
};

/** exitStatusOf maps an error to the exit status docker would use. */
export function exitStatusOf(err: unknown): number {
  return err instanceof WharfError ? (EXIT_STATUS_BY_CODE[err.code] ?? 1) : 1;
}

/** formatError is the line docker prints for an error: daemon errors get "Error response from daemon: ". */
export function formatError(err: unknown): string {
  if (isDaemonError(err)) return `Error response from daemon: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}

/**
 * badTemplate reports a --format template that inspect-style commands (inspect, version, info, events) could not
 * parse: `template parsing error: ...`, exit status 64 as docker's cli.StatusError{StatusCode: 64}.
 */
export function badTemplate(err: unknown): WharfError {
  const msg = err instanceof Error ? err.message : String(err);
  return new WharfError('InvalidArgument', 'WHARF_CLI_BAD_TEMPLATE', `template parsing error: ${msg}`, { cause: err });
}

// ---- the daemon connection

/**
 * resolveHost picks the daemon address: `-H`, then WHARF_HOST, then DOCKER_HOST (empty values ignored);
 * undefined means the default socket. More than one -H is refused as docker does.
 */
export function resolveHost(hostFlags: readonly string[], env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (hostFlags.length > 1) throw usageError('Specify only one -H');
  return hostFlags[0] || env.WHARF_HOST || env.DOCKER_HOST || undefined;
}

/**
 * createClient builds the invocation's Engine API client. Only when the address is the default socket (nothing
 * chosen by flag or environment) and WHARF_NO_AUTOSTART is not "1", an unreachable daemon is started on demand.
 */
export function createClient(globals: GlobalOptions, io: CliIO): EngineClient {
  const autostart = globals.host === undefined && io.env.WHARF_NO_AUTOSTART !== '1';
  return new EngineClient({
    host: globals.host,
    onUnavailable: autostart
      ? async () => (await import('./daemon-autostart.js')).autostartDaemon(io)
      : undefined,
  });
}

// ---- dispatch

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
    const { buildInfo } = await import('./commands/system/version.js');
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
