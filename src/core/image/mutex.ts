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
 * and gives a sweep exclusive time without ever waiting for them: `trySweep` runs only when no guarded operation
 * is in flight (otherwise it skips), and guarded operations starting meanwhile wait for the sweep to end.
 */
export class SweepGate {
  #active = 0;
  #sweep: Promise<void> | undefined;

  /** guard runs op as a guarded operation. */
  async guard<T>(op: () => Promise<T>): Promise<T> {
    while (this.#sweep !== undefined) await this.#sweep;
    this.#active++;
    try {
      return await op();
    } finally {
      this.#active--;
    }
  }

  /** trySweep runs fn when no guarded operation is in flight and returns its result, else returns undefined. */
  async trySweep<T>(fn: () => Promise<T>): Promise<T | undefined> {
    if (this.#active > 0 || this.#sweep !== undefined) return undefined;
    let release = (): void => undefined;
    this.#sweep = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      return await fn();
    } finally {
      this.#sweep = undefined;
      release();
    }
  }
}
