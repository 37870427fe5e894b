import path from 'node:path';
import type { EventSink } from '../../core/events/engine-event.js';
import type { ContainerMetrics } from '../../core/metrics/container-metrics.js';
import { DEFAULT_CGROUP_PARENT } from '../../core/oci/build-spec.js';
import { publishContainerEvent } from './attach-deps.js';
import type { ContainerRecord } from './container-record.js';
import type { ContainerStore } from './container-store.js';
import { containerRestarting, notRunningLower } from './exec-errors.js';
import { readBundleConfig, type BundleConfig } from './exec-process.js';
import { formatPs, parsePsArgs } from './top-format.js';

/** MetricsDeps is what top and stats use: container lookup, the host metrics port, the event bus. */
export interface MetricsDeps {
  readonly store: Pick<ContainerStore, 'get' | 'byId'>;
  readonly metrics: ContainerMetrics;
  readonly events: EventSink;
  /** Reads a container's config.json back (readBundleConfig by default). */
  readonly readBundle?: (record: ContainerRecord) => Promise<BundleConfig | undefined>;
  /** The clock (Date.now by default). */
  readonly now?: () => number;
}

/** TopResult is Docker's top response: ps's titles and one row per process of the container. */
export interface TopResult {
  readonly titles: string[];
  readonly processes: string[][];
}

/** TopApi is what the top route calls. */
export interface TopApi {
  top(ref: string, psArgs: string): Promise<TopResult>;
}

/**
 * cgroupsPathOf is where the runtime put a container's cgroup: config.json's linux.cgroupsPath, else the path
 * buildSpec computes by default (<parent>/<id>).
 */
export async function cgroupsPathOf(deps: Pick<MetricsDeps, 'readBundle'>, record: ContainerRecord): Promise<string> {
  const bundle = await (deps.readBundle ?? ((r: ContainerRecord) => readBundleConfig(r.paths.bundle)))(record).catch(() => undefined);
  return bundle?.cgroupsPath ?? path.posix.join(record.spec.resources.cgroupParent || DEFAULT_CGROUP_PARENT, record.id);
}

/** checkLive refuses top and friends for a container without processes, in moby's words. */
export function checkLive(record: ContainerRecord): void {
  const s = record.state.status;
  if (s === 'restarting') throw containerRestarting(record.id);
  if (s !== 'running' && s !== 'paused') throw notRunningLower(record.id);
}

/**
 * TopService is `GET /containers/{id}/top`: it lists the processes of the container's cgroup and renders them
 * like the host's `ps` with the given arguments, from /proc (through ContainerMetrics), never running a program
 * (Docker runs the host's ps; nothing from the image runs in either case).
 */
export class TopService implements TopApi {
  readonly #deps: MetricsDeps;

  constructor(deps: MetricsDeps) {
    this.#deps = deps;
  }

  async top(ref: string, psArgs: string): Promise<TopResult> {
    const format = parsePsArgs(psArgs);
    const record = this.#deps.store.get(ref);
    checkLive(record);
    const { metrics } = this.#deps;
    const pids = await metrics.pids(await cgroupsPathOf(this.#deps, record));
    const [processes, facts] = await Promise.all([metrics.processes(pids), metrics.hostFacts()]);
    publishContainerEvent(this.#deps, record, 'top');
    return formatPs(format, processes, { facts, nowMs: (this.#deps.now ?? Date.now)() });
  }
}
