import fs from 'node:fs/promises';
import type { HostFacts } from '../../core/container/host-facts.js';
import { defaultHostFacts } from '../../core/container/host-facts.js';
import type { DeviceMapping } from '../../core/container/container-spec.js';
import type { ContentStore } from '../../core/content/content-store.js';
import type { EventSink } from '../../core/events/engine-event.js';
import type { ImageStore } from '../../core/image/image-store.js';
import type { DataRootLayout } from '../../core/layout.js';
import { hostDevices, resolveDeviceMapping } from '../../core/oci/host-devices.js';
import type { MappedDevice } from '../../core/oci/resource-opts.js';
import type { SeccompProfile } from '../../core/oci/seccomp.js';
import { loadSeccompProfile } from '../../core/oci/seccomp-profile.js';
import type { OciDevice } from '../../core/oci/spec.js';
import { defaultSpecHost, findInitBinary, type SpecHost } from '../../core/oci/spec-host.js';
import type { ContainerRuntime } from '../../core/runtime/container-runtime.js';
import type { Mounter } from '../../core/runtime/mounter.js';
import type { Snapshotter } from '../../core/snapshot/snapshotter.js';
import type { ContainerStore } from './container-store.js';

/**
 * ContainerHost is what the container use-cases need to know about (and read from) the host: the facts create
 * validates against, the facts a config.json depends on, and the host files a container's own are made from.
 * defaultContainerHost reads the real ones; tests pass fixed ones.
 */
export interface ContainerHost {
  readonly facts: HostFacts;
  readonly spec: SpecHost;
  /** The default seccomp profile (Docker's, from containers-common). */
  seccompProfile(): Promise<SeccompProfile>;
  /** The host's init for `--init` (catatonit or tini), or undefined. */
  initBinary(): string | undefined;
  /** The host's /etc/resolv.conf ("" when absent) and /etc/hosts (for --network host). */
  resolvConf(): Promise<string>;
  hostsFile(): Promise<string>;
  /** Every device node of the host (for --privileged). */
  devices(): Promise<OciDevice[]>;
  /** One `--device` mapping resolved on the host. */
  resolveDevice(m: DeviceMapping): Promise<MappedDevice[]>;
}

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * defaultContainerHost reads the host's facts and files for real. `capabilities` is what the daemon can grant (its
 * bounding set): `--privileged` and `--cap-add ALL` grant exactly these, since runc fails to apply any other.
 */
export function defaultContainerHost(capabilities: readonly string[]): ContainerHost {
  return {
    facts: { ...defaultHostFacts(), capabilities },
    spec: { ...defaultSpecHost(), capabilities },
    seccompProfile: () => loadSeccompProfile(),
    initBinary: () => findInitBinary(),
    resolvConf: () => readOrEmpty('/etc/resolv.conf'),
    hostsFile: () => readOrEmpty('/etc/hosts'),
    devices: () => hostDevices(),
    resolveDevice: (m) => resolveDeviceMapping(m),
  };
}

/** ContainerLog is the logger the container use-cases report through (pino's shape). */
export interface ContainerLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** ContainerDeps is everything the container use-cases work with; the daemon's composition root builds it. */
export interface ContainerDeps {
  readonly layout: DataRootLayout;
  readonly store: ContainerStore;
  readonly runtime: ContainerRuntime;
  readonly mounter: Mounter;
  readonly images: ImageStore;
  readonly content: ContentStore;
  readonly snapshots: Snapshotter;
  readonly events: EventSink;
  readonly host: ContainerHost;
  readonly log: ContainerLog;
}
