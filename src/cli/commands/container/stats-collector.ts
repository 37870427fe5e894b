import type { EngineClient } from '../../../client/engine-client.js';
import { containerStats } from '../../../client/containers-admin-api.js';
import { statsValues, type StatsEntry } from './stats-context.js';

/** STATS_TIMEOUT_MS is how long docker waits for a sample before showing a container's figures as `--`. */
export const STATS_TIMEOUT_MS = 2000;

/**
 * StatsCollector is docker's stats/collect(): one stats request per container, the latest sample kept per entry,
 * an entry marked invalid ("timeout waiting for stats") when no sample came for 2 s. Everything stops when the
 * signal aborts.
 */
export class StatsCollector {
  /** The entries in the order containers were added (the table's row order). */
  readonly entries: StatsEntry[] = [];
  readonly #client: EngineClient;
  readonly #stream: boolean;
  readonly #signal: AbortSignal;
  readonly #firsts: Promise<void>[] = [];

  constructor(client: EngineClient, stream: boolean, signal: AbortSignal) {
    this.#client = client;
    this.#stream = stream;
    this.#signal = signal;
  }

  /** add starts collecting for a container unless it is already known; it tells whether it was added. */
  add(container: string): boolean {
    if (this.entries.some((e) => e.container === container)) return false;
    const entry: StatsEntry = { container, invalid: false };
    this.entries.push(entry);
    this.#firsts.push(this.#collect(entry));
    return true;
  }

  /** remove forgets a container (docker drops it from the table when it dies, unless --all). */
  remove(container: string): void {
    const i = this.entries.findIndex((e) => e.container === container);
    if (i >= 0) this.entries.splice(i, 1);
  }

  /** waitFirst resolves when every container added so far has its first sample, error or timeout. */
  async waitFirst(): Promise<void> {
    await Promise.all(this.#firsts);
  }

  /** #collect resolves at the first sample (or failure) and keeps reading in the background when streaming. */
  #collect(entry: StatsEntry): Promise<void> {
    return new Promise<void>((resolveFirst) => {
      let timer: NodeJS.Timeout | undefined;
      const arm = (): void => {
        clearTimeout(timer);
        if (this.#signal.aborted) return;
        timer = setTimeout(() => {
          // compat: docker zeroes the figures and keeps waiting; the first timeout counts as the first result.
          entry.invalid = true;
          entry.error = new Error('timeout waiting for stats');
          resolveFirst();
          if (this.#stream) arm();
        }, STATS_TIMEOUT_MS);
      };
      this.#signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
      arm();
      void this.#read(entry, () => {
        resolveFirst();
        if (this.#stream) arm();
        else clearTimeout(timer);
      }).catch((err: unknown) => {
        clearTimeout(timer);
        if (!this.#signal.aborted) {
          entry.invalid = true;
          entry.error = err;
        }
        resolveFirst();
      });
    });
  }

  async #read(entry: StatsEntry, onSample: () => void): Promise<void> {
    for await (const v of containerStats(this.#client, entry.container, { stream: this.#stream, signal: this.#signal })) {
      entry.values = statsValues(v);
      entry.invalid = false;
      entry.error = undefined;
      onSample();
      if (!this.#stream) return;
    }
  }
}
