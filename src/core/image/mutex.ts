/**
 * Mutex serialises async critical sections: `run` starts `fn` only after every earlier `run` has settled, whether
 * it resolved or failed.
 */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  /** run executes fn exclusively and returns its result. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(fn);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * SweepGate lets many guarded operations (ingests whose resulting digests are not known in advance) run at once,
 * and gives a sweep exclusive time: `sweep` waits for guarded operations in flight to finish and holds new ones
 * until it is done (a readers-writer lock preferring the writer, so a sweep is never starved).
 */
export class SweepGate {
  #active = 0;
  #sweep: Promise<void> | undefined;
  #idle: (() => void) | undefined;

  /** guard runs op as a guarded operation. */
  async guard<T>(op: () => Promise<T>): Promise<T> {
    while (this.#sweep !== undefined) await this.#sweep;
    this.#active++;
    try {
      return await op();
    } finally {
      this.#active--;
      if (this.#active === 0) this.#idle?.();
    }
  }

  /** sweep runs fn once no guarded operation is in flight; callers serialise their sweeps. */
  async sweep<T>(fn: () => Promise<T>): Promise<T> {
    let release = (): void => undefined;
    this.#sweep = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      if (this.#active > 0) {
        await new Promise<void>((resolve) => {
          this.#idle = resolve;
        });
      }
      this.#idle = undefined;
      return await fn();
    } finally {
      this.#sweep = undefined;
      release();
    }
  }
}
