import { DEFAULT_SOCKET } from '../api/version.js';
import { WharfError, invalidArgument } from '../common/errors.js';

/** DEFAULT_HOST is the daemon address used when neither -H nor WHARF_HOST/DOCKER_HOST says otherwise. */
export const DEFAULT_HOST = `unix://${DEFAULT_SOCKET}`;

/** DaemonAddress is where the daemon listens: a unix socket path, or a TCP host and port. */
export type DaemonAddress =
  | { readonly kind: 'unix'; readonly socketPath: string; readonly url: string }
  | { readonly kind: 'tcp'; readonly hostname: string; readonly port: number; readonly url: string };

const DEFAULT_TCP_PORT = 2375;

/**
 * parseHost parses a daemon address as docker's `-H` does: `unix:///path`, `tcp://host[:port]` (also `http://`),
 * or a bare `host:port` (tcp). `ssh://`, `fd://` and `npipe://` are refused as NotImplemented.
 */
export function parseHost(host: string): DaemonAddress {
  const s = host.trim();
  if (s === '') return parseHost(DEFAULT_HOST);
  const m = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(s);
  const scheme = m ? (m[1] ?? '').toLowerCase() : 'tcp';
  const rest = m ? (m[2] ?? '') : s;
  if (scheme === 'unix') {
    const socketPath = rest === '' ? DEFAULT_SOCKET : rest;
    if (!socketPath.startsWith('/')) throw badHost(host);
    return { kind: 'unix', socketPath, url: `unix://${socketPath}` };
  }
  if (scheme === 'tcp' || scheme === 'http') {
    const hostPort = rest.replace(/\/+$/, '');
    const hm = /^(\[[0-9a-fA-F:.]+\]|[^:/[\]]*)(?::(\d+))?$/.exec(hostPort);
    if (!hm) throw badHost(host);
    const hostname = (hm[1] || '127.0.0.1').replace(/^\[|\]$/g, '');
    const port = hm[2] === undefined ? DEFAULT_TCP_PORT : Number(hm[2]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw badHost(host);
    return { kind: 'tcp', hostname, port, url: `tcp://${hm[1] || '127.0.0.1'}:${port}` };
  }
  throw new WharfError('NotImplemented', 'WHARF_HOST_SCHEME_UNSUPPORTED', `unsupported daemon address scheme "${scheme}://" in ${JSON.stringify(host)}: wharf speaks unix:// and tcp://`);
}

function badHost(host: string): WharfError {
  return invalidArgument('WHARF_INVALID_HOST', `invalid daemon address: ${JSON.stringify(host)}`);
}
