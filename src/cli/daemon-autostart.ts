// The one deliberate exception to "only src/os may use node:child_process": starting wharfd on demand is the
// CLI's own process management (the CLI spawns the daemon's entry file; it never imports daemon code).
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SOCKET } from '../api/version.js';
import { WharfError } from '../common/errors.js';
import { sendRequest } from '../client/transport.js';
import type { CliIO } from './command.js';

/** DAEMON_LOG_PATHS are where an auto-started wharfd logs: /var/log first, the default data root as fallback. */
export const DAEMON_LOG_PATHS = ['/var/log/wharfd.log', '/var/lib/wharf/wharfd.log'];

/** StartOptions locate the daemon entry, its socket and log, and bound the wait for it to answer. */
export interface StartOptions {
  /** wharfd's entry file; by default dist/src/daemon/main.js next to this CLI. */
  readonly daemonMain?: string;
  readonly socketPath?: string;
  readonly logPaths?: readonly string[];
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** StartedDaemon identifies the background daemon that startDaemon launched. */
export interface StartedDaemon {
  readonly pid: number;
  readonly logPath: string;
}

const unavailable = (message: string, cause?: unknown): WharfError =>
  new WharfError('Unavailable', 'WHARF_DAEMON_AUTOSTART_FAILED', message, { cause });

function openLog(paths: readonly string[]): { fd: number; path: string } {
  let last: unknown;
  for (const path of paths) {
    try {
      mkdirSync(dirname(path), { recursive: true });
      return { fd: openSync(path, 'a'), path };
    } catch (err) {
      last = err;
    }
  }
  throw unavailable(`cannot start the wharf daemon: no writable log file (${paths.join(', ')})`, last);
}

async function pingOnce(socketPath: string): Promise<boolean> {
  try {
    const res = await sendRequest({ kind: 'unix', socketPath, url: `unix://${socketPath}` }, { method: 'GET', path: '/_ping' });
    res.resume();
    return (res.statusCode ?? 500) < 500;
  } catch {
    return false;
  }
}

/**
 * startDaemon launches wharfd detached (its own session, stdio to the log file, not waited for) and resolves once
 * GET /_ping answers on the socket; it fails if the daemon exits first or does not answer within the timeout.
 */
export async function startDaemon(opts: StartOptions = {}): Promise<StartedDaemon> {
  const main = opts.daemonMain ?? fileURLToPath(new URL('../daemon/main.js', import.meta.url));
  if (!existsSync(main)) throw unavailable(`cannot start the wharf daemon: ${main} does not exist (is wharf built?)`);
  const socketPath = opts.socketPath ?? DEFAULT_SOCKET;
  const log = openLog(opts.logPaths ?? DAEMON_LOG_PATHS);
  let exited: number | string | undefined;
  const child = spawn(process.execPath, [main], { detached: true, stdio: ['ignore', log.fd, log.fd], env: { ...opts.env } });
  closeSync(log.fd);
  child.once('exit', (code, signal) => (exited = code ?? signal ?? 'unknown'));
  child.once('error', (err) => (exited = err.message));
  child.unref();
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (await pingOnce(socketPath)) return { pid: child.pid ?? 0, logPath: log.path };
    if (exited !== undefined) throw unavailable(`the wharf daemon exited during start-up (${exited}); its log is ${log.path}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw unavailable(`the wharf daemon did not answer on unix://${socketPath} within ${Math.round((opts.timeoutMs ?? 10_000) / 1000)}s; its log is ${log.path}`);
}

/** autostartDaemon starts wharfd for the CLI and says so once on stderr; it is the EngineClient's onUnavailable hook. */
export async function autostartDaemon(io: CliIO, opts: StartOptions = {}): Promise<boolean> {
  const started = await startDaemon({ env: io.env, ...opts });
  io.stderr.write(`wharf: started the wharf daemon (wharfd) in the background; its log is ${started.logPath}\n`);
  return true;
}
