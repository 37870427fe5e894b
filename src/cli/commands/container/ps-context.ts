import type { ContainerSummary } from '../../../client/containers-admin-api.js';
import { familiarName, familiarString, parseReference } from '../../../common/reference.js';
import { ellipsis } from '../../render/ellipsis.js';
import { formatGoTimeString } from '../../render/go-time.js';
import { truncateId } from '../../render/contexts/image-context.js';
import { goJson, marshalContext } from '../../render/template/go-json.js';
import { goQuote } from '../../render/template/go-print.js';
import { humanSizeWithPrecision, timeSince } from '../../render/units.js';

type Port = NonNullable<ContainerSummary['Ports']>[number];
type Descriptor = NonNullable<ContainerSummary['ImageManifestDescriptor']>;

/** PlatformValue is docker's formatter.Platform: printed as `os/arch[/variant]`, marshalled as the OCI platform object. */
export class PlatformValue {
  readonly goTypeName = '*formatter.Platform';
  readonly #p: NonNullable<Descriptor['platform']>;
  constructor(p: NonNullable<Descriptor['platform']>) {
    this.#p = p;
  }
  goString(): string {
    const os = this.#p['os.version'] ? `${this.#p.os}(${this.#p['os.version']})` : this.#p.os;
    return [os, this.#p.architecture, this.#p.variant].filter((x) => x).join('/');
  }
  marshalJSON(): string {
    return goJson(this.#p);
  }
}

/**
 * ContainerContext is one row of `wharf ps` (docker's formatter.ContainerContext); its getters and methods are the
 * --format fields. `sizeUsed` records a read of .Size, so that a template needing sizes asks the daemon for them.
 */
export class ContainerContext {
  readonly goTypeName = '*formatter.ContainerContext';
  sizeUsed = false;
  readonly #c: ContainerSummary;
  readonly #trunc: boolean;
  readonly #now: number;

  constructor(c: ContainerSummary, trunc: boolean, now: number) {
    this.#c = c;
    this.#trunc = trunc;
    this.#now = now;
  }

  get ID(): string {
    const id = this.#c.Id ?? '';
    return this.#trunc ? truncateId(id) : id;
  }
  get Names(): string {
    const names = (this.#c.Names ?? []).map((n) => n.slice(1));
    // compat: truncated output shows one name, the first that is not a legacy link name ("/other/alias").
    const short = this.#trunc ? names.find((n) => !n.includes('/')) : undefined;
    return short ?? names.join(',');
  }
  get Image(): string {
    return displayImage(this.#c.Image ?? '', this.#c.ImageID ?? '', this.#trunc);
  }
  get Command(): string {
    const cmd = this.#c.Command ?? '';
    return goQuote(this.#trunc ? ellipsis(cmd, 20) : cmd);
  }
  get CreatedAt(): string {
    return formatGoTimeString(this.#c.Created ?? 0);
  }
  get RunningFor(): string {
    return timeSince(this.#c.Created ?? 0, this.#now);
  }
  get Platform(): PlatformValue | null {
    const p = this.#c.ImageManifestDescriptor?.platform;
    return p ? new PlatformValue(p) : null;
  }
  get Ports(): string {
    return displayablePorts(this.#c.Ports ?? []);
  }
  get State(): string {
    return this.#c.State ?? '';
  }
  get Status(): string {
    return this.#c.Status ?? '';
  }
  get Size(): string {
    this.sizeUsed = true;
    const srw = humanSizeWithPrecision(this.#c.SizeRw ?? 0, 3);
    const rootFs = this.#c.SizeRootFs ?? 0;
    return rootFs > 0 ? `${srw} (virtual ${humanSizeWithPrecision(rootFs, 3)})` : srw;
  }
  get Labels(): string {
    const labels = this.#c.Labels;
    if (!labels) return '';
    return Object.entries(labels).map(([k, v]) => `${k}=${v}`).sort().join(',');
  }
  Label(name: string): string {
    return this.#c.Labels?.[name] ?? '';
  }
  get Mounts(): string {
    return (this.#c.Mounts ?? [])
      .map((m) => {
        const name = m.Name ? m.Name : (m.Source ?? '');
        return this.#trunc ? ellipsis(name, 15) : name;
      })
      .join(',');
  }
  get LocalVolumes(): string {
    return String((this.#c.Mounts ?? []).filter((m) => m.Driver === 'local').length);
  }
  get Networks(): string {
    return Object.keys(this.#c.NetworkSettings?.Networks ?? {}).join(',');
  }
  marshalJSON(): string {
    return marshalContext(this);
  }
}

/**
 * displayImage is docker's ContainerContext.Image: `<no image>` when empty; truncated, an image ID prints as 12
 * characters and a reference loses its digest and registry defaults (`busybox:1.36@sha256:...` shows `busybox:1.36`).
 */
export function displayImage(image: string, imageId: string, trunc: boolean): string {
  if (image === '') return '<no image>';
  if (!trunc) return image;
  if (truncateId(imageId) === truncateId(image)) return truncateId(image);
  let ref;
  try {
    ref = parseReference(image);
  } catch {
    return image;
  }
  if (ref.tag !== undefined) return familiarString({ domain: ref.domain, path: ref.path, tag: ref.tag });
  return familiarName(ref);
}

interface PortGroup {
  first: number;
  last: number;
}

function comparePorts(a: Port, b: Port): number {
  if (a.PrivatePort !== b.PrivatePort) return a.PrivatePort - b.PrivatePort;
  const ai = a.IP ?? '';
  const bi = b.IP ?? '';
  if (ai !== bi) return ai < bi ? -1 : 1;
  const ap = a.PublicPort ?? 0;
  const bp = b.PublicPort ?? 0;
  if (ap !== bp) return ap - bp;
  return a.Type < b.Type ? -1 : a.Type > b.Type ? 1 : 0;
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function formGroup(key: string, g: PortGroup): string {
  const slash = key.lastIndexOf('/');
  const ip = slash >= 0 ? key.slice(0, slash) : '';
  const type = slash >= 0 ? key.slice(slash + 1) : key;
  let group = String(g.first);
  if (g.first !== g.last) group += `-${g.last}`;
  if (ip !== '') group = `${joinHostPort(ip, group)}->${group}`;
  return `${group}/${type}`;
}

/**
 * displayablePorts is docker's DisplayablePorts: consecutive ports of one IP and protocol collapse into ranges
 * (`0.0.0.0:8000-8001->8000-8001/tcp`), ports published elsewhere print as `host:port->private/proto`, last.
 */
export function displayablePorts(ports: readonly Port[]): string {
  const groups = new Map<string, PortGroup>();
  const result: string[] = [];
  const hostMappings: string[] = [];
  for (const port of [...ports].sort(comparePorts)) {
    const current = port.PrivatePort;
    let key: string = port.Type;
    if (port.IP) {
      if ((port.PublicPort ?? 0) !== current) {
        hostMappings.push(`${joinHostPort(port.IP, String(port.PublicPort ?? 0))}->${port.PrivatePort}/${port.Type}`);
        continue;
      }
      key = `${port.IP}/${port.Type}`;
    }
    const group = groups.get(key);
    if (!group) {
      groups.set(key, { first: current, last: current });
      continue;
    }
    if (current === group.last + 1) {
      group.last = current;
      continue;
    }
    result.push(formGroup(key, group));
    // compat: docker replaces the group but keeps the key's first-seen position in its output order.
    groups.set(key, { first: current, last: current });
  }
  for (const [key, g] of groups) result.push(formGroup(key, g));
  return [...result, ...hostMappings].join(', ');
}
