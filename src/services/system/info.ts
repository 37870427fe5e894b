import { createHash } from 'node:crypto';
import type { SystemFacts } from './system-facts.js';

/** ContainerCounts are the container totals `docker info` shows. */
export interface ContainerCounts {
  readonly running: number;
  readonly paused: number;
  readonly stopped: number;
}

/** ContainerCounter gives the container counts; the containers service implements it. */
export interface ContainerCounter {
  counts(): Promise<ContainerCounts>;
}

/** NO_CONTAINERS is the ContainerCounter of a daemon without containers. */
export const NO_CONTAINERS: ContainerCounter = { counts: async () => ({ running: 0, paused: 0, stopped: 0 }) };

/** SystemInfo is what `GET /info` reports: the daemon's facts and its current counts. */
export interface SystemInfo {
  readonly facts: SystemFacts;
  readonly engineId: string;
  readonly images: number;
  readonly containers: ContainerCounts;
  readonly eventListeners: number;
  readonly now: Date;
  readonly warnings: readonly string[];
}

/** SystemInfoDeps are what systemInfo reads. */
export interface SystemInfoDeps {
  readonly facts: SystemFacts;
  readonly imageCount: () => Promise<number>;
  readonly containers: ContainerCounter;
  readonly eventListeners: () => number;
}

/** engineIdOf derives a stable daemon ID (UUID-shaped) from host name and data root when none is configured. */
export function engineIdOf(facts: SystemFacts): string {
  if (facts.engineId !== undefined) return facts.engineId;
  const h = createHash('sha256').update(`${facts.host.hostname}\0${facts.dataRoot}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** systemInfo is `GET /info`. */
export async function systemInfo(deps: SystemInfoDeps): Promise<SystemInfo> {
  const [images, containers] = await Promise.all([deps.imageCount(), deps.containers.counts()]);
  return {
    facts: deps.facts,
    engineId: engineIdOf(deps.facts),
    images,
    containers,
    eventListeners: deps.eventListeners(),
    now: new Date(),
    warnings: [],
  };
}
