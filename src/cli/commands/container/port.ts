import { containerInspect } from '../../../client/containers-admin-api.js';
import { WharfError } from '../../../common/errors.js';
import type { CommandSpec } from '../../command.js';

/** naturalLess is fvbommel/sortorder's NaturalLess, which docker sorts port lines with: numbers compare by value. */
export function naturalLess(a: string, b: string): boolean {
  const digit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const da = digit(a, i);
    const db = digit(b, j);
    if (da !== db) return da;
    if (!da) {
      if (a[i] !== b[j]) return (a[i] ?? '') < (b[j] ?? '');
      i++;
      j++;
      continue;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    const nz1 = i;
    const nz2 = j;
    while (digit(a, i)) i++;
    while (digit(b, j)) j++;
    if (i - nz1 !== j - nz2) return i - nz1 < j - nz2;
    const n1 = a.slice(nz1, i);
    const n2 = b.slice(nz2, j);
    if (n1 !== n2) return n1 < n2;
    if (nz1 !== nz2) return nz1 < nz2;
  }
  return a.length < b.length;
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** checkPort is strconv.ParseUint(port, 10, 16) with docker's error wording around it. */
function checkPort(port: string): void {
  let why = '';
  if (!/^\d+$/.test(port)) why = 'invalid syntax';
  else if (Number(port) > 65535) why = 'value out of range';
  if (why !== '') {
    throw new WharfError('InvalidArgument', 'WHARF_INVALID_PORT', `Error: invalid port (${port}): strconv.ParseUint: parsing ${JSON.stringify(port)}: ${why}`);
  }
}

/** command is `wharf port` (`wharf container port`): the container's published ports, or where one port is published. */
export const command: CommandSpec<readonly []> = {
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  args: { min: 1, max: 2 },
  flags: [],
  async run(ctx) {
    const [container = '', wanted = ''] = ctx.args;
    const info = await containerInspect(ctx.client(), container);
    const ports = info.NetworkSettings?.Ports ?? {};
    const out: string[] = [];
    if (wanted !== '') {
      const slash = wanted.indexOf('/');
      const port = slash < 0 ? wanted : wanted.slice(0, slash);
      const proto = (slash < 0 ? '' : wanted.slice(slash + 1)) || 'tcp';
      checkPort(port);
      const frontends = ports[`${port}/${proto}`] ?? [];
      if (frontends.length === 0) {
        throw new WharfError('NotFound', 'WHARF_PORT_NOT_PUBLISHED', `Error: No public port '${wanted}' published for ${container}`);
      }
      for (const f of frontends) out.push(joinHostPort(f.HostIp ?? '', f.HostPort ?? ''));
    } else {
      for (const [from, frontends] of Object.entries(ports)) {
        for (const f of frontends ?? []) out.push(`${from} -> ${joinHostPort(f.HostIp ?? '', f.HostPort ?? '')}`);
      }
    }
    if (out.length === 0) return;
    out.sort((x, y) => (naturalLess(x, y) ? -1 : naturalLess(y, x) ? 1 : 0));
    ctx.io.stdout.write(`${out.join('\n')}\n`);
  },
};
