import type { AttachHandle } from '../../core/runtime/attach-handle.js';
import type { AttachOptions } from '../../core/runtime/container-runtime.js';

/** PendingAttach is an attach client waiting for a container that has no running process yet. */
export interface PendingAttach {
  /**
   * handle resolves with the monitor connection once the container is created in the runtime (before its process
   * starts, so no output is missed), or with undefined when the wait ends without one (container removed,
   * client gone, connection refused).
   */
  readonly handle: Promise<AttachHandle | undefined>;
  /** cancel stops waiting (the client went away); a handle that arrives later is detached at once. */
  cancel(): void;
}

interface Waiter {
  readonly opts: AttachOptions;
  settle(handle: AttachHandle | undefined): void;
}

/**
 * PendingAttaches holds attach clients of containers that are created or stopped, until the start path has the
 * runtime create the container (conmon's attach socket exists only from then on). The docker CLI's run flow is
 * create → attach → wait → start: the attach is answered (101) at once, and the monitor connection is made in the
 * lifecycle's `created` hook, which the start path awaits before the process runs its first instruction.
 */
export class PendingAttaches {
  readonly #waiting = new Map<string, Set<Waiter>>();

  /** add registers a client of container `id`; synchronous, so a start that follows cannot be missed. */
  add(id: string, opts: AttachOptions): PendingAttach {
    let set = this.#waiting.get(id);
    if (set === undefined) {
      set = new Set();
      this.#waiting.set(id, set);
    }
    const entries = set;
    let settled = false;
    let cancelled = false;
    let resolve: (h: AttachHandle | undefined) => void = () => undefined;
    const handle = new Promise<AttachHandle | undefined>((r) => (resolve = r));
    const waiter: Waiter = {
      opts,
      settle: (h) => {
        if (settled) {
          h?.detach();
          return;
        }
        settled = true;
        this.#drop(id, entries, waiter);
        if (cancelled && h !== undefined) h.detach();
        resolve(cancelled ? undefined : h);
      },
    };
    entries.add(waiter);
    return {
      handle,
      cancel: () => {
        cancelled = true;
        waiter.settle(undefined);
      },
    };
  }

  /** count is the number of clients waiting for container `id`. */
  count(id: string): number {
    return this.#waiting.get(id)?.size ?? 0;
  }

  /**
   * connect attaches every waiting client of `id` through `attach` (the runtime's), resolving each with its
   * handle; a failed connection resolves that client with undefined. Never throws: a start does not fail
   * because an attach client could not be connected.
   */
  async connect(id: string, attach: (opts: AttachOptions) => Promise<AttachHandle>, onError?: (err: unknown) => void): Promise<void> {
    const waiters = [...(this.#waiting.get(id) ?? [])];
    await Promise.all(
      waiters.map(async (w) => {
        try {
          w.settle(await attach(w.opts));
        } catch (err) {
          onError?.(err);
          w.settle(undefined);
        }
      }),
    );
  }

  /** release ends the wait of every client of `id` without a handle (the container was removed). */
  release(id: string): void {
    for (const w of [...(this.#waiting.get(id) ?? [])]) w.settle(undefined);
  }

  #drop(id: string, entries: Set<Waiter>, waiter: Waiter): void {
    entries.delete(waiter);
    if (entries.size === 0 && this.#waiting.get(id) === entries) this.#waiting.delete(id);
  }
}
