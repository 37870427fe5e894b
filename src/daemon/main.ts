#!/usr/bin/env node
// wharfd: the daemon's entry point. It reads the configuration, takes the data-root lock, wires the stores and
// services (wire.ts), serves the Engine API, and shuts down cleanly on SIGTERM/SIGINT. No logic lives here.
import { pino } from 'pino';
import { WharfError } from '../common/errors.js';
import { DAEMON_USAGE, loadDaemonConfig, parseDaemonArgs } from './config.js';
import { startDaemon } from './wire.js';
import { WHARF_VERSION } from './version.js';

async function main(argv: readonly string[]): Promise<void> {
  const args = parseDaemonArgs(argv);
  if (args.action !== 'run') {
    process.stdout.write(args.action === 'help' ? DAEMON_USAGE : `wharfd version ${WHARF_VERSION}\n`);
    return;
  }
  const config = loadDaemonConfig(args, process.env);
  const log = pino({ level: config.logLevel, base: { pid: process.pid } });
  const daemon = await startDaemon(config, log);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof WharfError || err instanceof Error ? err.message : String(err);
  process.stderr.write(`wharfd: ${message}\n`);
  process.exit(1);
});
