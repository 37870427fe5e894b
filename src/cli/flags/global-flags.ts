import type { FlagSpec } from './flag-spec.js';

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
