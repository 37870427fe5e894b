import type { EngineEvent, EventSink } from '../../core/events/engine-event.js';
import { FilterArgs } from '../filters/filter-args.js';
import { eventMatches } from './event-filter.js';

/** EVENT_HISTORY_SIZE is how many past events `since`/`until` can replay (dockerd keeps 256). */
export const EVENT_HISTORY_SIZE = 256;

/** EventSubscription is a live subscription: the past events asked for, and how to stop listening. */
export interface EventSubscription {
  /** Past events matching the filters between `since` and `until`, oldest first. */
  readonly history: readonly EngineEvent[];
  unsubscribe(): void;
}

/** SubscribeOptions select which events a subscriber gets. `since`/`until` are nanoseconds since the epoch. */
export interface SubscribeOptions {
  readonly since?: bigint;
  readonly until?: bigint;
  readonly filters?: FilterArgs;
}

/** wallClockNanos is a nanosecond wall clock: Date.now() at start-up advanced by the monotonic hrtime. */
export function wallClockNanos(): () => bigint {
  const base = BigInt(Date.now()) * 1_000_000n;
  const hrBase = process.hrtime.bigint();
  return () => base + (process.hrtime.bigint() - hrBase);
}

interface Listener {
  readonly filters: FilterArgs;
  readonly onEvent: (event: EngineEvent) => void;
}

/**
 * EventBus is the daemon's event service: services publish into it (it is their EventSink) and `GET /events`
 * subscribes. It keeps the last EVENT_HISTORY_SIZE events in a ring for `since`, stamps each event with a strictly
 * increasing nanosecond time, and calls listeners synchronously; a listener that throws is dropped, never the
 * publisher's problem.
 */
export class EventBus implements EventSink {
  readonly #ring: (EngineEvent | undefined)[];
  #next = 0;
  #count = 0;
  #last = 0n;
  readonly #clock: () => bigint;
  readonly #listeners = new Set<Listener>();

  constructor(opts: { historySize?: number; clock?: () => bigint } = {}) {
    this.#ring = new Array<EngineEvent | undefined>(opts.historySize ?? EVENT_HISTORY_SIZE).fill(undefined);
    this.#clock = opts.clock ?? wallClockNanos();
  }

  /** publish stamps an event and hands it to the history ring and every matching listener. */
  publish(event: Omit<EngineEvent, 'timeNano'>): void {
    let timeNano = this.#clock();
    if (timeNano <= this.#last) timeNano = this.#last + 1n;
    this.#last = timeNano;
    const stamped: EngineEvent = { ...event, timeNano };
    if (this.#ring.length > 0) {
      this.#ring[this.#next] = stamped;
      this.#next = (this.#next + 1) % this.#ring.length;
      this.#count = Math.min(this.#count + 1, this.#ring.length);
    }
    for (const listener of [...this.#listeners]) {
      if (!eventMatches(listener.filters, stamped)) continue;
      try {
        listener.onEvent(stamped);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }

  /**
   * subscribe registers a listener for new events matching the filters and returns the matching past events
   * (only when `since` or `until` is given, as dockerd), so no event falls between history and live stream.
   */
  subscribe(opts: SubscribeOptions, onEvent: (event: EngineEvent) => void): EventSubscription {
    const filters = opts.filters ?? FilterArgs.of();
    const history = opts.since !== undefined || opts.until !== undefined ? this.#history(opts, filters) : [];
    const listener: Listener = { filters, onEvent };
    this.#listeners.add(listener);
    return { history, unsubscribe: () => this.#listeners.delete(listener) };
  }

  /** listenerCount is the number of live subscribers (Docker's NEventsListener in /info). */
  get listenerCount(): number {
    return this.#listeners.size;
  }

  #history(opts: SubscribeOptions, filters: FilterArgs): EngineEvent[] {
    const out: EngineEvent[] = [];
    const size = this.#ring.length;
    for (let i = 0; i < this.#count; i++) {
      const event = this.#ring[(this.#next - this.#count + i + size) % size];
      if (event === undefined) continue;
      if (opts.since !== undefined && event.timeNano < opts.since) continue;
      if (opts.until !== undefined && event.timeNano > opts.until) continue;
      if (eventMatches(filters, event)) out.push(event);
    }
    return out;
  }
}
