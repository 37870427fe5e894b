import fs from 'node:fs/promises';
import { writeFileAtomic } from '../../core/durable/atomic-file.js';
import { Mutex } from '../../core/image/mutex.js';
import type { DataRootLayout } from '../../core/layout.js';
import type { ContainerRecord } from './container-record.js';
import { ambiguousContainerId, nameInUse, noSuchContainer } from './container-errors.js';
import { randomName } from './names.js';

const ID_RE = /^[a-f0-9]{64}$/;
const HEX_RE = /^[a-f0-9]+$/;

/** StoreOptions configure ContainerStore.open. */
export interface StoreOptions {
  /** Hears records that could not be read (they are skipped, their directory is left alone). */
  readonly onWarning?: (message: string) => void;
  /** The random source of generated names (tests make it deterministic). */
  readonly rand?: (n: number) => number;
}

class KeyedLocks {
  readonly #locks = new Map<string, { mutex: Mutex; users: number }>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let entry = this.#locks.get(key);
    if (entry === undefined) {
      entry = { mutex: new Mutex(), users: 0 };
      this.#locks.set(key, entry);
    }
    entry.users++;
    try {
      return await entry.mutex.run(fn);
    } finally {
      if (--entry.users === 0) this.#locks.delete(key);
    }
  }
}

function isRecord(v: unknown, id: string): v is ContainerRecord {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<ContainerRecord>;
  return r.version === 1 && r.id === id && typeof r.name === 'string' && typeof r.state === 'object' && typeof r.spec === 'object';
}

/**
 * ContainerStore owns the container records: `<data-root>/containers/<id>/config.v2.json`, each written atomically
 * (temp file, fsync, rename, fsync dir) before the in-memory copy changes, plus the name index and per-container
 * locks.
 *
 * Lookup follows dockerd's GetContainer: a full ID, then a name (with or without the leading "/"), then a unique
 * ID prefix. Names are unique: `reserveName` refuses a taken one with Docker's 409.
 *
 * Locking: `withLock(id, fn)` serialises the operations on one container (start, stop, rm, exit handling...);
 * never hold it across a wait for the container's exit or while reading files from its image. `update` is safe
 * inside or outside the lock: it applies `fn` to the latest record, one write at a time per container.
 *
 * ```ts
 * const store = await ContainerStore.open(layout);
 * const r = store.get('web');                       // NotFound "No such container: web"
 * await store.withLock(r.id, () => store.update(r.id, (c) => ({ ...c, state: transition(c.id, c.state, 'pause') })));
 * ```
 */
export class ContainerStore {
  readonly #layout: DataRootLayout;
  readonly #records = new Map<string, ContainerRecord>();
  readonly #names = new Map<string, string>();
  readonly #locks = new KeyedLocks();
  readonly #writes = new KeyedLocks();
  readonly #rand?: (n: number) => number;

  private constructor(layout: DataRootLayout, rand?: (n: number) => number) {
    this.#layout = layout;
    this.#rand = rand;
  }

  /**
   * open loads every record. Leftovers of a crash are cleaned: `<id>.removing` directories (a removal that had
   * started) and container directories without a record (a create that never finished) are deleted.
   */
  static async open(layout: DataRootLayout, opts: StoreOptions = {}): Promise<ContainerStore> {
    const store = new ContainerStore(layout, opts.rand);
    await fs.mkdir(layout.containersDir, { recursive: true, mode: 0o710 });
    for (const entry of await fs.readdir(layout.containersDir)) {
      if (entry.endsWith('.removing') || entry.startsWith('.')) {
        await fs.rm(`${layout.containersDir}/${entry}`, { recursive: true, force: true });
        continue;
      }
      if (!ID_RE.test(entry)) continue;
      await store.#load(entry, opts.onWarning);
    }
    return store;
  }

  async #load(id: string, onWarning?: (message: string) => void): Promise<void> {
    let text: string;
    try {
      text = await fs.readFile(this.#layout.containerRecord(id), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // A create that crashed before its record was written: nothing refers to this directory.
      await fs.rm(this.#layout.container(id), { recursive: true, force: true });
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed, id)) {
      onWarning?.(`skipping container ${id}: its record is damaged`);
      return;
    }
    this.#records.set(id, parsed);
    if (this.#names.has(parsed.name)) onWarning?.(`container ${id} has the name of container ${this.#names.get(parsed.name)}`);
    else this.#names.set(parsed.name, id);
  }

  /** list returns every record, newest first (Docker's `ps` order). */
  list(): ContainerRecord[] {
    return [...this.#records.values()].sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  }

  /** byId returns the record of a full ID, or undefined. */
  byId(id: string): ContainerRecord | undefined {
    return this.#records.get(id);
  }

  /** find resolves a full ID, a name ("web" or "/web") or a unique ID prefix; undefined when nothing matches. */
  find(ref: string): ContainerRecord | undefined {
    if (ref === '') return undefined;
    const exact = this.#records.get(ref);
    if (exact !== undefined) return exact;
    const byName = this.#names.get(ref.startsWith('/') ? ref.slice(1) : ref);
    if (byName !== undefined) return this.#records.get(byName);
    if (!HEX_RE.test(ref)) return undefined;
    let found: ContainerRecord | undefined;
    for (const [id, record] of this.#records) {
      if (!id.startsWith(ref)) continue;
      if (found !== undefined) throw ambiguousContainerId(ref);
      found = record;
    }
    return found;
  }

  /** get is find, failing with Docker's 404 "No such container: <ref>". */
  get(ref: string): ContainerRecord {
    const record = this.find(ref);
    if (record === undefined) throw noSuchContainer(ref);
    return record;
  }

  /** reserveName gives `name` (without "/") to container `id`; Conflict with Docker's words when another holds it. */
  reserveName(name: string, id: string): void {
    const holder = this.#names.get(name);
    if (holder !== undefined && holder !== id) throw nameInUse(name, holder);
    this.#names.set(name, id);
  }

  /** releaseName frees a name held by `id` (no-op when someone else holds it). */
  releaseName(name: string, id: string): void {
    if (this.#names.get(name) === id) this.#names.delete(name);
  }

  /** generateName reserves a free Docker-style random name for `id` (the short ID after six collisions). */
  generateName(id: string): string {
    for (let retry = 0; retry < 6; retry++) {
      const name = randomName(retry, this.#rand);
      if (!this.#names.has(name)) {
        this.#names.set(name, id);
        return name;
      }
    }
    const fallback = id.slice(0, 12);
    this.reserveName(fallback, id);
    return fallback;
  }

  /** add writes a new record (its directory must exist and its name be reserved) and makes it visible. */
  async add(record: ContainerRecord): Promise<void> {
    await this.#writes.run(record.id, async () => {
      await this.#write(record);
      this.#records.set(record.id, record);
    });
  }

  /**
   * update applies `fn` to the latest record of `id`, writes the result atomically and returns it. The name index
   * follows a changed name (reserve the new name first). NotFound when the record is gone.
   */
  async update(id: string, fn: (record: ContainerRecord) => ContainerRecord): Promise<ContainerRecord> {
    return this.#writes.run(id, async () => {
      const current = this.#records.get(id);
      if (current === undefined) throw noSuchContainer(id);
      const next = fn(current);
      if (next === current) return current;
      await this.#write(next);
      this.#records.set(id, next);
      if (next.name !== current.name) this.releaseName(current.name, id);
      return next;
    });
  }

  /** forget drops a removed container from memory and frees its name (its files are the caller's business). */
  forget(id: string): void {
    const record = this.#records.get(id);
    if (record === undefined) return;
    this.#records.delete(id);
    this.releaseName(record.name, id);
  }

  /** withLock runs `fn` while holding container `id`'s operation lock. */
  withLock<T>(id: string, fn: () => Promise<T>): Promise<T> {
    return this.#locks.run(id, fn);
  }

  async #write(record: ContainerRecord): Promise<void> {
    await writeFileAtomic(this.#layout.containerRecord(record.id), `${JSON.stringify(record)}\n`, 0o600);
  }
}
