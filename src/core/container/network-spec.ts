import net from 'node:net';
import type { ExtraHost, NetworkSpec, PortBinding } from './container-spec.js';
import { invalidConfig, notImplemented, type WireReader } from './wire-reader.js';

/** PortKey normalises a Docker port key ("80", "80/tcp", "53/UDP") to "port/proto", or throws Docker's error. */
export function normalizePortKey(key: string): string {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/i.exec(key);
  const port = Number(m?.[1]);
  if (!m || port < 1 || port > 65535) throw invalidConfig(`invalid port specification: ${JSON.stringify(key)}`);
  return `${port}/${(m[2] ?? 'tcp').toLowerCase()}`;
}

function checkHostPort(hostPort: string): void {
  if (hostPort === '') return;
  const m = /^(\d+)(?:-(\d+))?$/.exec(hostPort);
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || lo > 65535 || hi > 65535 || hi < lo) throw invalidConfig(`invalid port specification: ${JSON.stringify(hostPort)}`);
}

function readPortBindings(r: WireReader, v: unknown): Record<string, PortBinding[]> {
  const out: Record<string, PortBinding[]> = {};
  for (const [key, list] of Object.entries(r.optObject(v, 'HostConfig.PortBindings') ?? {})) {
    const port = normalizePortKey(key);
    out[port] = r.objects(list, `HostConfig.PortBindings.${key}`).map((b) => {
      const hostIp = r.str(b.HostIp, `HostConfig.PortBindings.${key}.HostIp`);
      const hostPort = r.str(b.HostPort, `HostConfig.PortBindings.${key}.HostPort`);
      if (hostIp !== '' && net.isIP(hostIp.replace(/^\[(.*)\]$/, '$1')) === 0) {
        throw invalidConfig(`invalid host IP address in port binding: ${JSON.stringify(hostIp)}`);
      }
      checkHostPort(hostPort);
      return { hostIp, hostPort };
    });
  }
  return out;
}

/** parseExtraHost reads one `name:ip` ExtraHosts entry as moby's ValidateExtraHost (IPv6 after the first colon). */
export function parseExtraHost(entry: string): ExtraHost {
  const i = entry.indexOf(':');
  const name = i < 0 ? '' : entry.slice(0, i);
  if (name === '') throw invalidConfig(`bad format for add-host: ${JSON.stringify(entry)}`);
  const ip = entry.slice(i + 1).trim();
  if (ip === 'host-gateway') throw notImplemented('add-host with "host-gateway" needs the bridge network (not supported yet)');
  if (net.isIP(ip) === 0) throw invalidConfig(`invalid IP address in add-host: ${JSON.stringify(entry.slice(i + 1))}`);
  return { name, ip };
}

function checkDomain(domain: string): void {
  if (domain === '.') return;
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]{0,62}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,62}[a-zA-Z0-9])?)*\.?$/.test(domain) || domain.length > 255) {
    throw invalidConfig(`${domain} is not a valid domain`);
  }
}

// NetworkMode: "" and "default" are the default network ("bridge" on Linux).
function networkMode(raw: string): NetworkSpec['mode'] {
  if (raw === '' || raw === 'default' || raw === 'bridge') return 'bridge';
  if (raw === 'none' || raw === 'host') return raw;
  if (raw === 'container' || raw.startsWith('container:')) {
    if (raw.length <= 'container:'.length) throw invalidConfig('invalid network mode: invalid container format container:<name|id>');
    throw notImplemented('network mode "container:<name|id>" is not supported yet');
  }
  throw notImplemented(`user-defined networks are not supported yet: network mode "${raw}"`);
}

/** NetworkInput is the part of the create request the network settings come from. */
export interface NetworkInput {
  readonly hostConfig: Record<string, unknown>;
  readonly networkingConfig: Record<string, unknown> | undefined;
  readonly networkDisabled: boolean;
  readonly before144: boolean;
}

function checkEndpoints(r: WireReader, input: NetworkInput, mode: NetworkSpec['mode'], rawMode: string): void {
  const eps = r.optObject(r.optObject(input.networkingConfig, 'NetworkingConfig')?.EndpointsConfig, 'NetworkingConfig.EndpointsConfig') ?? {};
  const names = Object.keys(eps);
  if (input.before144 && names.length > 1) {
    throw invalidConfig(`Container cannot be created with multiple network endpoints: ${names.join(', ')}`);
  }
  for (const name of names) {
    const ours = name === rawMode || name === mode || (mode === 'bridge' && (name === 'default' || name === 'bridge'));
    if (!ours) throw notImplemented(`connecting to more than one network is not supported yet: ${name}`);
    const ep = r.optObject(eps[name], `NetworkingConfig.EndpointsConfig.${name}`) ?? {};
    if (r.strings(ep.Aliases, `NetworkingConfig.EndpointsConfig.${name}.Aliases`).length > 0) {
      throw invalidConfig('network-scoped alias is supported only for containers in user defined networks');
    }
    const ipam = r.optObject(ep.IPAMConfig, `NetworkingConfig.EndpointsConfig.${name}.IPAMConfig`) ?? {};
    if (r.str(ipam.IPv4Address, 'IPAMConfig.IPv4Address') !== '' || r.str(ipam.IPv6Address, 'IPAMConfig.IPv6Address') !== '') {
      throw invalidConfig('user specified IP address is supported on user defined networks only');
    }
  }
}

/**
 * readNetwork reads the network half of the request: NetworkMode (bridge/default, none, host; container:<id> and
 * user-defined networks wait for the networks milestone), PortBindings (validated and kept), DNS servers, search
 * domains and options, and ExtraHosts (for the generated /etc/resolv.conf and /etc/hosts).
 */
export function readNetwork(r: WireReader, input: NetworkInput, warnings: string[]): NetworkSpec {
  const hc = input.hostConfig;
  const rawMode = r.str(hc.NetworkMode, 'HostConfig.NetworkMode');
  const mode = networkMode(rawMode);
  if (r.strings(hc.Links, 'HostConfig.Links').length > 0) {
    if (mode === 'host') {
      throw invalidConfig("conflicting options: host type networking can't be used with links. This would result in undefined behavior");
    }
    throw notImplemented('legacy container links (--link) are not supported');
  }
  checkEndpoints(r, input, mode, rawMode);
  const portBindings = readPortBindings(r, hc.PortBindings);
  if (mode === 'host' && Object.keys(portBindings).length > 0) {
    warnings.push('Published ports are discarded when using host network mode');
  }
  const dns = r.strings(hc.Dns, 'HostConfig.Dns');
  for (const ip of dns) if (net.isIP(ip) === 0) throw invalidConfig(`${ip} is not an ip address`);
  const dnsSearch = r.strings(hc.DnsSearch, 'HostConfig.DnsSearch').map((d) => d.trim());
  dnsSearch.forEach(checkDomain);
  return {
    mode,
    disabled: input.networkDisabled,
    portBindings,
    publishAllPorts: r.bool(hc.PublishAllPorts, 'HostConfig.PublishAllPorts'),
    dns,
    dnsSearch,
    dnsOptions: r.strings(hc.DnsOptions, 'HostConfig.DnsOptions'),
    extraHosts: r.strings(hc.ExtraHosts, 'HostConfig.ExtraHosts').map(parseExtraHost),
  };
}
