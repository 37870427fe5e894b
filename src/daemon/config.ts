import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_SOCKET } from '../api/version.js';
import { invalidArgument } from '../common/errors.js';

/** LOG_LEVELS are the levels wharfd accepts, as dockerd names them (pino's names, `fatal` included). */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** DaemonConfig is wharfd's whole configuration, validated once at start-up and then frozen. */
export interface DaemonConfig {
  readonly dataRoot: string;
  readonly execRoot: string;
  /** Listen addresses: `unix:///path` or `tcp://host:port`. */
  readonly hosts: readonly string[];
  readonly logLevel: LogLevel;
  /** Where the daemon.json came from, when one was read. */
  readonly configFile?: string;
}

/** DEFAULT_CONFIG_FILE is read when it exists and no --config-file is given (dockerd reads /etc/docker/daemon.json). */
export const DEFAULT_CONFIG_FILE = '/etc/wharf/daemon.json';

const DEFAULTS: DaemonConfig = {
  dataRoot: '/var/lib/wharf',
  execRoot: '/run/wharf',
  hosts: [`unix://${DEFAULT_SOCKET}`],
  logLevel: 'info',
};

/** DAEMON_USAGE is the text of `wharfd --help`. */
export const DAEMON_USAGE = `Usage:	wharfd [OPTIONS]

The wharf daemon: serves the Docker Engine API (v1.50) on a unix socket.

Options:
      --config-file string   Daemon configuration file (default "${DEFAULT_CONFIG_FILE}")
      --data-root string     Root directory of persistent wharf state (default "${DEFAULTS.dataRoot}")
      --exec-root string     Root directory for execution state files (default "${DEFAULTS.execRoot}")
  -H, --host list            Daemon socket(s) to listen on (default unix://${DEFAULT_SOCKET})
  -l, --log-level string     Set the logging level ("debug"|"info"|"warn"|"error"|"fatal") (default "info")
  -D, --debug                Enable debug mode (same as --log-level debug)
  -h, --help                 Print usage
  -v, --version              Print version information and quit

Precedence: defaults, then the config file (dockerd key names: data-root, exec-root, hosts, log-level, debug),
then WHARF_DATA_ROOT, WHARF_EXEC_ROOT, WHARF_HOST, WHARF_LOG_LEVEL, then flags.
`;

/** DaemonArgs is the result of reading wharfd's command line. */
export type DaemonArgs =
  | { readonly action: 'help' | 'version' }
  | { readonly action: 'run'; readonly flags: Partial<DaemonConfig>; readonly configFile?: string };

/** parseDaemonArgs reads wharfd's flags; a bad flag is an InvalidArgument naming it. */
export function parseDaemonArgs(argv: readonly string[]): DaemonArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        'config-file': { type: 'string' },
        'data-root': { type: 'string' },
        'exec-root': { type: 'string' },
        host: { type: 'string', short: 'H', multiple: true },
        'log-level': { type: 'string', short: 'l' },
        debug: { type: 'boolean', short: 'D' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (err) {
    throw invalidArgument('WHARF_BAD_DAEMON_FLAG', (err as Error).message, err);
  }
  const v = parsed.values;
  if (v.help) return { action: 'help' };
  if (v.version) return { action: 'version' };
  const flags: { -readonly [K in keyof DaemonConfig]?: DaemonConfig[K] } = {};
  if (v['data-root'] !== undefined) flags.dataRoot = v['data-root'];
  if (v['exec-root'] !== undefined) flags.execRoot = v['exec-root'];
  if (v.host !== undefined) flags.hosts = v.host;
  if (v['log-level'] !== undefined) flags.logLevel = v['log-level'] as LogLevel;
  if (v.debug) flags.logLevel = 'debug';
  return v['config-file'] === undefined ? { action: 'run', flags } : { action: 'run', flags, configFile: v['config-file'] };
}

/** readConfigFile reads a daemon.json; absent is fine only for the default path. Unknown keys are refused. */
function readConfigFile(file: string, explicit: boolean): Partial<DaemonConfig> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (!explicit && (err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw invalidArgument('WHARF_BAD_DAEMON_CONFIG', `unable to read config file ${file}: ${(err as Error).message}`, err);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw invalidArgument('WHARF_BAD_DAEMON_CONFIG', `config file ${file} is not valid JSON: ${(err as Error).message}`, err);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw invalidArgument('WHARF_BAD_DAEMON_CONFIG', `config file ${file} must hold a JSON object`);
  }
  const out: { -readonly [K in keyof DaemonConfig]?: DaemonConfig[K] } = {};
  for (const [key, value] of Object.entries(json)) {
    const bad = (want: string): never => {
      throw invalidArgument('WHARF_BAD_DAEMON_CONFIG', `config file ${file}: "${key}" must be ${want}`);
    };
    switch (key) {
      case 'data-root':
        out.dataRoot = typeof value === 'string' ? value : bad('a string');
        break;
      case 'exec-root':
        out.execRoot = typeof value === 'string' ? value : bad('a string');
        break;
      case 'hosts':
        out.hosts = Array.isArray(value) && value.every((h) => typeof h === 'string') ? value : bad('a list of strings');
        break;
      case 'log-level':
        out.logLevel = typeof value === 'string' ? (value as LogLevel) : bad('a string');
        break;
      case 'debug':
        if (value === true) out.logLevel = 'debug';
        break;
      default:
        throw invalidArgument('WHARF_BAD_DAEMON_CONFIG', `config file ${file}: unknown key "${key}"`);
    }
  }
  return out;
}

function fromEnv(env: NodeJS.ProcessEnv): Partial<DaemonConfig> {
  const out: { -readonly [K in keyof DaemonConfig]?: DaemonConfig[K] } = {};
  if (env.WHARF_DATA_ROOT) out.dataRoot = env.WHARF_DATA_ROOT;
  if (env.WHARF_EXEC_ROOT) out.execRoot = env.WHARF_EXEC_ROOT;
  if (env.WHARF_HOST) out.hosts = [env.WHARF_HOST];
  if (env.WHARF_LOG_LEVEL) out.logLevel = env.WHARF_LOG_LEVEL as LogLevel;
  return out;
}

/** validateHost accepts `unix:///abs/path`, a bare absolute path, or `tcp://host:port`; returns the normal form. */
export function validateHost(host: string): string {
  if (host.startsWith('/')) return `unix://${host}`;
  if (/^unix:\/\/\/./.test(host)) return host;
  if (/^tcp:\/\/[^/]+:\d{1,5}$/.test(host)) return host;
  throw invalidArgument('WHARF_BAD_DAEMON_FLAG', `invalid host "${host}": want unix:///path or tcp://host:port`);
}

/**
 * loadDaemonConfig merges defaults, the config file, the environment and the flags (in that order of precedence,
 * last wins), validates the result and freezes it.
 */
export function loadDaemonConfig(
  args: { flags: Partial<DaemonConfig>; configFile?: string },
  env: NodeJS.ProcessEnv,
): DaemonConfig {
  const file = args.configFile ?? DEFAULT_CONFIG_FILE;
  const fromFile = readConfigFile(file, args.configFile !== undefined);
  const merged = { ...DEFAULTS, ...fromFile, ...fromEnv(env), ...args.flags };
  if (!(LOG_LEVELS as readonly string[]).includes(merged.logLevel)) {
    throw invalidArgument('WHARF_BAD_DAEMON_FLAG', `invalid log level "${merged.logLevel}": want one of ${LOG_LEVELS.join(', ')}`);
  }
  if (!merged.dataRoot.startsWith('/')) throw invalidArgument('WHARF_BAD_DAEMON_FLAG', `data root must be an absolute path`);
  if (!merged.execRoot.startsWith('/')) throw invalidArgument('WHARF_BAD_DAEMON_FLAG', `exec root must be an absolute path`);
  if (merged.hosts.length === 0) throw invalidArgument('WHARF_BAD_DAEMON_FLAG', 'at least one host to listen on is needed');
  const wasRead = args.configFile !== undefined || Object.keys(fromFile).length > 0;
  const config: DaemonConfig = { ...merged, hosts: merged.hosts.map(validateHost), ...(wasRead ? { configFile: file } : {}) };
  return Object.freeze(config);
}
