import { csvFields } from './mounts.js';
import { ValueError } from './values.js';

// --network (opts.NetworkOpt, with its `name=...,alias=...` long form) and docker's parseNetworkOpts, which turn
// the network flags into NetworkingConfig.EndpointsConfig.

/** NetworkAttachment is one --network value. */
export interface NetworkAttachment {
  target: string;
  aliases: string[];
  driverOpts?: Record<string, string>;
  links: string[];
  ipv4: string;
  ipv6: string;
  linkLocalIps: string[];
  mac: string;
  gwPriority: number;
}

function attachment(target: string): NetworkAttachment {
  return { target, aliases: [], links: [], ipv4: '', ipv6: '', linkLocalIps: [], mac: '', gwPriority: 0 };
}

function applyNetworkField(n: NetworkAttachment, key: string, val: string): void {
  switch (key) {
    case 'name': n.target = val; return;
    case 'alias': n.aliases.push(val); return;
    case 'ip': n.ipv4 = val; return;
    case 'ip6': n.ipv6 = val; return;
    case 'mac-address': n.mac = val; return;
    case 'link-local-ip': n.linkLocalIps.push(val); return;
    case 'driver-opt': {
      const eq = val.indexOf('=');
      if (eq <= 0) throw new ValueError('invalid key value pair format in driver options');
      (n.driverOpts ??= {})[val.slice(0, eq).trim()] = val.slice(eq + 1).trim();
      return;
    }
    case 'gw-priority':
      if (!/^[+-]?\d+$/.test(val)) throw new ValueError(`invalid gw-priority (${val}): invalid syntax`);
      n.gwPriority = Number(val);
      return;
    default:
      throw new ValueError(`invalid field key ${key}`);
  }
}

/** parseNetworkOpt is docker's NetworkOpt.Set: a network name, or `name=net,alias=a,ip=...` (keys lower-cased). */
export function parseNetworkOpt(value: string): NetworkAttachment {
  if (!/\w+=\w+(,\w+=\w+)*/.test(value)) return attachment(value);
  const n = attachment('');
  for (const field of csvFields(value)) {
    const lower = field.toLowerCase();
    const eq = lower.indexOf('=');
    if (eq <= 0) throw new ValueError(`invalid field ${field}`);
    applyNetworkField(n, lower.slice(0, eq).trim(), lower.slice(eq + 1).trim());
  }
  if (n.target === '') throw new ValueError('network name/id is not specified');
  return n;
}

/** NetworkFlags are the flags parseNetworkOpts combines with the --network values. */
export interface NetworkFlags {
  aliases: readonly string[];
  links: readonly string[];
  ip: string;
  ip6: string;
  mac: string;
  linkLocalIps: readonly string[];
}

const BUILTIN = new Set(['default', 'bridge', 'host', 'none']);
const isUserDefined = (mode: string): boolean => !BUILTIN.has(mode) && !mode.startsWith('container:');

function conflict(what: string): ValueError {
  return new ValueError(`conflicting options: cannot specify both ${what}`);
}

function applyContainerOptions(n: NetworkAttachment, f: NetworkFlags): void {
  if (n.aliases.length > 0 && f.aliases.length > 0) throw conflict('--network-alias and per-network alias');
  if (n.links.length > 0 && f.links.length > 0) throw conflict('--link and per-network links');
  if (n.ipv4 !== '' && f.ip !== '') throw conflict('--ip and per-network IPv4 address');
  if (n.ipv6 !== '' && f.ip6 !== '') throw conflict('--ip6 and per-network IPv6 address');
  if (n.mac !== '' && f.mac !== '') throw conflict('--mac-address and per-network MAC address');
  if (n.linkLocalIps.length > 0 && f.linkLocalIps.length > 0) throw conflict('--link-local-ip and per-network link-local IP addresses');
  if (f.aliases.length > 0) n.aliases = [...f.aliases];
  if (isUserDefined(n.target) && f.links.length > 0) n.links = [...f.links];
  if (f.ip !== '') n.ipv4 = f.ip;
  if (f.ip6 !== '') n.ipv6 = f.ip6;
  if (f.mac !== '') n.mac = f.mac;
  if (f.linkLocalIps.length > 0) n.linkLocalIps = [...f.linkLocalIps];
}

/** EndpointSettings is the wire shape docker's client sends per network (every field, zero values included). */
export type EndpointSettings = Record<string, unknown>;

function endpoint(n: NetworkAttachment): EndpointSettings {
  if (n.target.trim() === '') throw new ValueError('no name set for network');
  if (!isUserDefined(n.target)) {
    if (n.aliases.length > 0) throw new ValueError('network-scoped aliases are only supported for user-defined networks');
    if (n.links.length > 0) throw new ValueError('links are only supported for user-defined networks');
  }
  // Go's EndpointIPAMConfig omits empty fields.
  const ipam: Record<string, unknown> = {};
  if (n.ipv4 !== '') ipam.IPv4Address = n.ipv4;
  if (n.ipv6 !== '') ipam.IPv6Address = n.ipv6;
  if (n.linkLocalIps.length > 0) ipam.LinkLocalIPs = n.linkLocalIps;
  if (n.mac !== '' && !/^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$/.test(n.mac.trim())) throw new ValueError(`${n.mac} is not a valid mac address`);
  return {
    IPAMConfig: Object.keys(ipam).length > 0 ? ipam : null,
    Links: n.links.length > 0 ? n.links : null,
    Aliases: n.aliases.length > 0 ? n.aliases : null,
    MacAddress: n.mac,
    DriverOpts: n.driverOpts ?? null,
    GwPriority: n.gwPriority,
    NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
    IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

function isEmptyEndpoint(n: NetworkAttachment): boolean {
  return n.aliases.length === 0 && n.links.length === 0 && n.ipv4 === '' && n.ipv6 === '' && n.linkLocalIps.length === 0 && n.mac === '' && n.gwPriority === 0 && !n.driverOpts;
}

/** endpointsConfig is docker's parseNetworkOpts: EndpointsConfig for the --network values and the per-container flags. */
export function endpointsConfig(nets: readonly NetworkAttachment[], f: NetworkFlags): Record<string, EndpointSettings> {
  const out: Record<string, EndpointSettings> = {};
  if (nets.length === 0) {
    const n = attachment('default');
    applyContainerOptions(n, f);
    out.default = endpoint(n);
    return out;
  }
  let userDefined = false;
  let builtin = false;
  nets.forEach((orig, i) => {
    const n = { ...orig, aliases: [...orig.aliases], links: [...orig.links], linkLocalIps: [...orig.linkLocalIps] };
    if (isUserDefined(n.target)) userDefined = true;
    else builtin = true;
    if (i === 0) applyContainerOptions(n, f);
    const ep = endpoint(n);
    if (out[n.target]) throw new ValueError(`network "${n.target}" is specified multiple times`);
    // compat: a single network without options gets no endpoint configuration (the daemon creates one).
    if (i === 0 && nets.length === 1 && isEmptyEndpoint(n)) return;
    out[n.target] = ep;
  });
  if (userDefined && builtin) throw new ValueError('conflicting options: cannot attach both user-defined and non-user-defined network-modes');
  return out;
}
