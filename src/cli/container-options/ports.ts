import { canonicalIp } from './validators.js';
import { ValueError, goQuote } from './values.js';

// -p/--publish and --expose: docker's convertToStandardNotation plus go-connections' nat.ParsePortSpecs.

/** PortBinding is one host side of a published port. */
export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

/** PortPlan is what -p and --expose add to the create body. */
export interface PortPlan {
  exposed: Record<string, Record<string, never>>;
  bindings: Record<string, PortBinding[]>;
}

/** splitProtoPort is nat.SplitProtoPort: `80/udp` is ["udp", "80"], `80` is ["tcp", "80"]. */
export function splitProtoPort(raw: string): [string, string] {
  const parts = raw.split('/');
  if (raw === '' || parts[0] === '') return ['', ''];
  if (parts.length === 1) return ['tcp', raw];
  if (parts[1] === '') return ['tcp', parts[0] ?? ''];
  return [parts[1] ?? '', parts[0] ?? ''];
}

function parseUint16(s: string): number {
  if (!/^\d+$/.test(s)) throw new ValueError(`strconv.ParseUint: parsing ${goQuote(s)}: invalid syntax`);
  const n = Number(s);
  if (n > 65535) throw new ValueError(`strconv.ParseUint: parsing ${goQuote(s)}: value out of range`);
  return n;
}

/** parsePortRange is nat.ParsePortRange: `8000` or `8000-9000`. */
export function parsePortRange(ports: string): [number, number] {
  if (ports === '') throw new ValueError('empty string specified for ports');
  if (!ports.includes('-')) {
    const p = parseUint16(ports);
    return [p, p];
  }
  const parts = ports.split('-');
  const start = parseUint16(parts[0] ?? '');
  const end = parseUint16(parts[1] ?? '');
  if (end < start) throw new ValueError(`invalid range specified for port: ${ports}`);
  return [start, end];
}

/** toStandardNotation is docker's convertToStandardNotation: `published=8080,target=80` becomes `8080:80/tcp`. */
export function toStandardNotation(ports: readonly string[]): string[] {
  return ports.map((publish) => {
    if (!publish.includes('=')) return publish;
    const params: Record<string, string> = { protocol: 'tcp' };
    for (const param of publish.split(',')) {
      const eq = param.indexOf('=');
      if (eq <= 0) throw new ValueError(`invalid publish opts format (should be name=value but got '${param}')`);
      params[param.slice(0, eq)] = param.slice(eq + 1);
    }
    return `${params.published ?? ''}:${params.target ?? ''}/${params.protocol}`;
  });
}

function splitParts(raw: string): [string, string, string] {
  const parts = raw.split(':');
  const n = parts.length;
  const container = parts[n - 1] ?? '';
  if (n === 1) return ['', '', container];
  if (n === 2) return ['', parts[0] ?? '', container];
  if (n === 3) return [parts[0] ?? '', parts[1] ?? '', container];
  return [parts.slice(0, n - 2).join(':'), parts[n - 2] ?? '', container];
}

function hostIp(ip: string): string {
  let out = ip;
  if (out.startsWith('[')) {
    const close = out.indexOf(']');
    if (close !== out.length - 1) throw new ValueError(`invalid IP address ${ip}: address ${ip}:: missing port in address`);
    out = out.slice(1, -1);
  }
  if (out !== '' && canonicalIp(out) === undefined) throw new ValueError(`invalid IP address: ${out}`);
  return out;
}

/** parsePortSpec is nat.ParsePortSpec: `[ip:][hostPort:]containerPort[/proto]` into port/binding pairs. */
export function parsePortSpec(raw: string): { port: string; binding: PortBinding }[] {
  const [rawIp, hostPort, cp] = splitParts(raw);
  const [proto, containerPort] = splitProtoPort(cp);
  const ip = hostIp(rawIp);
  if (containerPort === '') throw new ValueError(`no port specified: ${raw}<empty>`);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(containerPort);
  } catch {
    throw new ValueError(`invalid containerPort: ${containerPort}`);
  }
  let hostStart = 0;
  let hostEnd = 0;
  if (hostPort !== '') {
    try {
      [hostStart, hostEnd] = parsePortRange(hostPort);
    } catch {
      throw new ValueError(`invalid hostPort: ${hostPort}`);
    }
    if (end - start !== hostEnd - hostStart && end !== start) {
      throw new ValueError(`invalid ranges specified for container and host Ports: ${containerPort} and ${hostPort}`);
    }
  }
  const p = proto.toLowerCase();
  if (!['tcp', 'udp', 'sctp'].includes(p)) throw new ValueError(`invalid proto: ${proto}`);
  const out: { port: string; binding: PortBinding }[] = [];
  for (let i = 0; i <= end - start; i++) {
    let hp = hostPort === '' ? '' : String(hostStart + i);
    if (start === end && hostStart !== hostEnd) hp = `${hp}-${hostEnd}`;
    out.push({ port: `${start + i}/${p}`, binding: { HostIp: ip, HostPort: hp } });
  }
  return out;
}

function exposeInto(exposed: PortPlan['exposed'], e: string): void {
  if (e.includes(':')) throw new ValueError(`invalid port format for --expose: ${e}`);
  const [proto, port] = splitProtoPort(e);
  let start: number;
  let end: number;
  try {
    [start, end] = parsePortRange(port);
  } catch (err) {
    throw new ValueError(`invalid range format for --expose: ${e}, error: ${(err as Error).message}`);
  }
  for (let i = start; i <= end; i++) exposed[`${i}/${proto}`] ??= {};
}

/** portPlan is the port part of docker's parse: -p values (any notation) and --expose ranges. */
export function portPlan(publish: readonly string[], expose: readonly string[]): PortPlan {
  const exposed: PortPlan['exposed'] = {};
  const bindings: PortPlan['bindings'] = {};
  for (const raw of toStandardNotation(publish)) {
    for (const { port, binding } of parsePortSpec(raw)) {
      exposed[port] ??= {};
      (bindings[port] ??= []).push(binding);
    }
  }
  for (const e of expose) exposeInto(exposed, e);
  return { exposed, bindings };
}
