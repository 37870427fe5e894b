/** ExitStatus is how a run of a container ended, as `POST /containers/{id}/wait` reports it. */
export interface ExitStatus {
  readonly exitCode: number;
  /** Set when the container could not be started or waited on (Docker's WaitResponse.Error.Message). */
  readonly error?: string;
}

type Resolver = (status: ExitStatus) => void;

/**
 * ExitWaiters lets callers wait for a container's next exit or its removal (Docker's wait conditions `next-exit`
 * and `removed`; `not-running` is next-exit unless the container already stopped). Registration is synchronous,
 * so a waiter registered before `start` is called cannot miss the exit. An aborted wait resolves nothing and is
 * dropped.
 */
export class ExitWaiters {
  readonly #exit = new Map<string, Set<Resolver>>();
  readonly #removed = new Map<string, Set<Resolver>>();

  /** nextExit resolves at the container's next exit. */
  nextExit(id: string, signal?: AbortSignal): Promise<ExitStatus> {
    return this.#wait(this.#exit, id, signal);
  }

  /** removed resolves when the container is removed, with its last exit status. */
  removed(id: string, signal?: AbortSignal): Promise<ExitStatus> {
    return this.#wait(this.#removed, id, signal);
  }

  /** notifyExit resolves every nextExit waiter of the container. */
  notifyExit(id: string, status: ExitStatus): void {
    this.#notify(this.#exit, id, status);
  }

  /** notifyRemoved resolves every waiter of the container: removal is also the end of any pending exit wait. */
  notifyRemoved(id: string, status: ExitStatus): void {
    this.#notify(this.#exit, id, status);
    this.#notify(this.#removed, id, status);
  }

  /** pending counts the waiters of a container (for tests and diagnostics). */
  pending(id: string): number {
    return (this.#exit.get(id)?.size ?? 0) + (this.#removed.get(id)?.size ?? 0);
  }

  #wait(map: Map<string, Set<Resolver>>, id: string, signal?: AbortSignal): Promise<ExitStatus> {
    return new Promise((resolve, reject) => {
      let set = map.get(id);
      if (set === undefined) {
        set = new Set();
        map.set(id, set);
      }
      const entries = set;
      const onAbort = (): void => {
        entries.delete(resolver);
        if (entries.size === 0 && map.get(id) === entries) map.delete(id);
        reject(signal?.reason ?? new Error('aborted'));
      };
      const resolver: Resolver = (status) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(status);
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      entries.add(resolver);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  #notify(map: Map<string, Set<Resolver>>, id: string, status: ExitStatus): void {
    const set = map.get(id);
    if (set === undefined) return;
    map.delete(id);
    for (const resolve of set) resolve(status);
  }
}
