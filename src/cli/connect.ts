import { EngineClient } from '../client/engine-client.js';
import type { CliIO, GlobalOptions } from './command.js';
import { usageError } from './flags/parse-flags.js';

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
