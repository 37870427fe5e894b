import net from 'node:net';
import type { ExtraHost, NetworkSpec } from '../container/container-spec.js';

/** renderHostname is the content of the container's /etc/hostname (Docker writes the bare hostname). */
export function renderHostname(hostname: string): string {
  return `${hostname}\n`;
}

/** HostsInput is what a container's /etc/hosts is made of. */
export interface HostsInput {
  readonly hostname: string;
  readonly domainname?: string;
  readonly extraHosts: readonly ExtraHost[];
  /** The container's own addresses: each gets a "<ip>\t<fqdn> <hostname>" line. [] for --network none. */
  readonly ownAddresses: readonly string[];
  /** Add the IPv6 localhost lines (Docker does when the container has IPv6, as a loopback-only netns has). */
  readonly ipv6?: boolean;
  /**
   * For the host network: the host's /etc/hosts content, used instead of the standard localhost lines
   * (libnetwork copies the host file for containers in the host's namespace).
   */
  readonly hostHostsFile?: string;
}

const DEFAULT_IPV4 = ['127.0.0.1\tlocalhost'];
const DEFAULT_IPV6 = [
  '::1\tlocalhost ip6-localhost ip6-loopback',
  'fe00::\tip6-localnet',
  'ff00::\tip6-mcastprefix',
  'ff02::1\tip6-allnodes',
  'ff02::2\tip6-allrouters',
];

/**
 * renderHosts builds /etc/hosts as libnetwork's etchosts does: the localhost lines (IPv4, then IPv6 ones), the
 * ExtraHosts ("<ip>\t<name>"), then one line per own address with the hostname (and "<hostname>.<domain>"
 * first when a domain is set). On the host network the host's file replaces the localhost lines.
 */
export function renderHosts(input: HostsInput): string {
  const base =
    input.hostHostsFile !== undefined
      ? input.hostHostsFile.replace(/\n*$/, '').split('\n')
      : [...DEFAULT_IPV4, ...(input.ipv6 === false ? [] : DEFAULT_IPV6)];
  const names = input.domainname ? `${input.hostname}.${input.domainname} ${input.hostname}` : input.hostname;
  const lines = [
    ...base,
    ...input.extraHosts.map((h) => `${h.ip}\t${h.name}`),
    ...(input.hostname ? input.ownAddresses.map((ip) => `${ip}\t${names}`) : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** ResolvConf is a parsed resolv.conf(5). */
export interface ResolvConf {
  readonly nameservers: readonly string[];
  readonly search: readonly string[];
  readonly options: readonly string[];
  /** Other directives (sortlist, lookup, ...) kept verbatim. */
  readonly other: readonly string[];
}

/** parseResolvConf reads resolv.conf(5): the last search/domain line wins, options accumulate, comments go. */
export function parseResolvConf(text: string): ResolvConf {
  const nameservers: string[] = [];
  let search: string[] = [];
  const options: string[] = [];
  const other: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (line === '') continue;
    const [key = '', ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0] !== undefined) nameservers.push(rest[0].replace(/%.*$/, ''));
    else if (key === 'search' || key === 'domain') search = rest;
    else if (key === 'options') options.push(...rest);
    else other.push(line);
  }
  return { nameservers, search, options, other };
}

/** ResolvConfInput says where a container's resolv.conf comes from. */
export interface ResolvConfInput {
  /** The host's resolv.conf content ("" when it has none). */
  readonly hostResolvConf: string;
  /** True when the container shares the host's network namespace: loopback resolvers stay reachable. */
  readonly hostNetwork: boolean;
  /** --dns, --dns-search, --dns-option: each replaces the host's list when not empty. */
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly dnsOptions: readonly string[];
  /** Keep IPv6 nameservers on a non-host network (only when the container has IPv6 connectivity). */
  readonly ipv6?: boolean;
}

const DEFAULT_NAMESERVERS_V4 = ['8.8.8.8', '8.8.4.4'];
const DEFAULT_NAMESERVERS_V6 = ['2001:4860:4860::8888', '2001:4860:4860::8844'];

const LOOPBACK = new net.BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

function isLoopback(ip: string): boolean {
  const family = net.isIPv4(ip) ? 'ipv4' : net.isIPv6(ip) ? 'ipv6' : undefined;
  return family !== undefined && LOOPBACK.check(ip, family);
}

/**
 * renderResolvConf builds a container's /etc/resolv.conf as Docker does for its legacy (default bridge, none)
 * networks: the host's file with --dns/--dns-search/--dns-option replacing their parts; on a network other than
 * the host's, loopback nameservers (127.x, ::1: the host's local resolver, unreachable from the container) and
 * IPv6 ones without IPv6 are dropped, and Google's public servers are used when none is left.
 */
export function renderResolvConf(input: ResolvConfInput): string {
  const host = parseResolvConf(input.hostResolvConf);
  const warnings: string[] = [];
  let nameservers = input.dns.length > 0 ? [...input.dns] : [...host.nameservers];
  if (!input.hostNetwork && input.dns.length === 0) {
    nameservers = nameservers.filter((ip) => !isLoopback(ip) && (input.ipv6 === true || !net.isIPv6(ip)));
    if (nameservers.length === 0) {
      nameservers = [...DEFAULT_NAMESERVERS_V4, ...(input.ipv6 === true ? DEFAULT_NAMESERVERS_V6 : [])];
      warnings.push('# Used default nameservers.');
    }
  }
  const search = input.dnsSearch.length > 0 ? input.dnsSearch.filter((d) => d !== '.') : host.search;
  const options = input.dnsOptions.length > 0 ? input.dnsOptions : host.options;
  const lines = [
    '# Generated by wharf.',
    '',
    ...nameservers.map((ip) => `nameserver ${ip}`),
    ...(search.length > 0 ? [`search ${search.join(' ')}`] : []),
    ...(options.length > 0 ? [`options ${options.join(' ')}`] : []),
    ...host.other,
    '',
    `# Based on host file: '/etc/resolv.conf'${input.hostNetwork ? '' : ' (legacy)'}`,
    ...warnings,
  ];
  return `${lines.join('\n')}\n`;
}

/** NetworkFileContents are the texts of a container's /etc/hostname, /etc/hosts and /etc/resolv.conf. */
export interface NetworkFileContents {
  readonly hostname: string;
  readonly hosts: string;
  readonly resolvConf: string;
}

/** NetworkFileSource is what the network files are made of besides the container's spec. */
export interface NetworkFileSource {
  /** The container's hostname (containerHostname). */
  readonly hostname: string;
  /** The host's /etc/resolv.conf and /etc/hosts contents ("" when absent). */
  readonly hostResolvConf: string;
  readonly hostHosts: string;
  /**
   * The container's addresses for its own /etc/hosts line. Default: none for --network none (as Docker), and
   * 127.0.0.1 on the default network while it is loopback-only, so the hostname still resolves.
   */
  readonly ownAddresses?: readonly string[];
}

/**
 * renderNetworkFiles computes the three files Docker bind-mounts into every container, from the container's
 * network settings (mode, ExtraHosts, Dns*) and the host's files. The caller writes them (atomically) under the
 * container's directory and passes their paths to buildSpec as `hostFiles`.
 */
export function renderNetworkFiles(
  net: Pick<NetworkSpec, 'mode' | 'disabled' | 'extraHosts' | 'dns' | 'dnsSearch' | 'dnsOptions'>,
  domainname: string,
  src: NetworkFileSource,
): NetworkFileContents {
  const hostNetwork = net.mode === 'host' && !net.disabled;
  const isolated = net.mode === 'none' || net.disabled;
  return {
    hostname: renderHostname(src.hostname),
    hosts: renderHosts({
      hostname: src.hostname,
      domainname,
      extraHosts: net.extraHosts,
      ownAddresses: src.ownAddresses ?? (hostNetwork || isolated ? [] : ['127.0.0.1']),
      ...(hostNetwork ? { hostHostsFile: src.hostHosts } : {}),
    }),
    resolvConf: renderResolvConf({
      hostResolvConf: src.hostResolvConf,
      hostNetwork,
      dns: net.dns,
      dnsSearch: net.dnsSearch,
      dnsOptions: net.dnsOptions,
    }),
  };
}
