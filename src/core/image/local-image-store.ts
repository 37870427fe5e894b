import fs from 'node:fs/promises';
import path from 'node:path';
import { hexOf, type Digest } from '../../common/digest.js';
import { noSuchImage, WharfError } from '../../common/errors.js';
import { formatReference, type Reference } from '../../common/reference.js';
import type { ContentStore } from '../content/content-store.js';
import { fsyncDir, writeFileAtomic } from '../durable/atomic-file.js';
import type { DataRootLayout } from '../layout.js';
import type { Snapshotter } from '../snapshot/snapshotter.js';
import { chainIds } from './chain-id.js';
import { sweepBlobs, sweepSnapshots, type GcInput, type GcResult } from './gc.js';
import type { ImageRecord, ImageStore, Lease, ReferenceEntry } from './image-store.js';
import { Mutex, SweepGate } from './mutex.js';
import { decodeImageRecord, decodeReferences, encodeImageRecord, encodeReferences } from './record-file.js';

/** StoreProblem is one inconsistency found by LocalImageStore.check (content a record names is missing). */
export interface StoreProblem {
  readonly imageId: Digest;
  readonly problem: string;
}

/** LocalImageStoreOptions tune LocalImageStore.open. */
export interface LocalImageStoreOptions {
  /** onWarning hears about damaged or dangling state dropped at open (the daemon logs it at warn). */
  readonly onWarning?: (message: string) => void;
}

const RECORD_FILE = /^[a-f0-9]{64}\.json$/;
const TEMP_FILE = /^\..+\.[a-f0-9]{12}\.tmp$/;

/**
 * LocalImageStore is the ImageStore on the data root: records in images/<hex>.json, references in references.json,
 * both written with writeFileAtomic and held in memory after `open`. Mutations and garbage collection are
 * serialised by one mutex; leases and guarded ingests keep the work of operations in flight out of the sweep.
 *
 * Crash tolerance: `open` removes temporary files of interrupted writes, skips damaged records and records whose
 * config blob is missing, and drops references to records that do not exist, reporting each through `warnings`.
 */
export class LocalImageStore implements ImageStore {
  readonly #layout: DataRootLayout;
  readonly #content: ContentStore;
  readonly #snapshots: Snapshotter;
  readonly #records = new Map<Digest, ImageRecord>();
  readonly #refs = new Map<string, ReferenceEntry>();
  readonly #leases = new Set<Set<Digest>>();
  readonly #mutex = new Mutex();
  readonly #gate = new SweepGate();
  readonly #warnings: string[] = [];
  readonly #onWarning: ((message: string) => void) | undefined;

  private constructor(layout: DataRootLayout, content: ContentStore, snapshots: Snapshotter, opts: LocalImageStoreOptions) {
    this.#layout = layout;
    this.#content = content;
    this.#snapshots = snapshots;
    this.#onWarning = opts.onWarning;
  }

  /** open loads every record and reference of the data root into memory, repairing what a crash left behind. */
  static async open(
    layout: DataRootLayout,
    content: ContentStore,
    snapshots: Snapshotter,
    opts: LocalImageStoreOptions = {},
  ): Promise<LocalImageStore> {
    const store = new LocalImageStore(layout, content, snapshots, opts);
    await fs.mkdir(layout.imagesDir, { recursive: true });
    await store.#loadRecords();
    await store.#loadReferences();
    return store;
  }

  /** warnings lists what `open` dropped or repaired. */
  get warnings(): readonly string[] {
    return this.#warnings;
  }

  #warn(message: string): void {
    this.#warnings.push(message);
    this.#onWarning?.(message);
  }

  async #loadRecords(): Promise<void> {
    for (const name of await fs.readdir(this.#layout.imagesDir)) {
      const file = path.join(this.#layout.imagesDir, name);
      if (TEMP_FILE.test(name)) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (!RECORD_FILE.test(name)) continue;
      let record: ImageRecord;
      try {
        record = decodeImageRecord(await fs.readFile(file));
        if (hexOf(record.id) !== name.slice(0, 64)) throw new Error(`names image ${record.id}`);
      } catch (err) {
        this.#warn(`skipping image record ${name}: ${(err as Error).message}`);
        continue;
      }
      // A content store that cannot answer fails the open: only a config known to be absent drops the record.
      if ((await this.#content.info(record.id)) === undefined) {
        this.#warn(`skipping image record ${name}: its config blob is missing`);
        continue;
      }
      this.#records.set(record.id, record);
    }
  }

  async #loadReferences(): Promise<void> {
    for (const name of await fs.readdir(this.#layout.root)) {
      if (TEMP_FILE.test(name) && name.startsWith('.references.json.')) await fs.rm(path.join(this.#layout.root, name), { force: true });
    }
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(this.#layout.referencesFile);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    let dropped = false;
    try {
      const { entries, warnings } = decodeReferences(bytes);
      for (const w of warnings) this.#warn(w);
      dropped = warnings.length > 0;
      for (const e of entries) {
        if (this.#records.has(e.imageId)) this.#refs.set(formatReference(e.ref), e);
        else {
          this.#warn(`dropping reference ${formatReference(e.ref)}: image ${e.imageId} does not exist`);
          dropped = true;
        }
      }
    } catch (err) {
      this.#warn(`ignoring damaged references.json: ${(err as Error).message}`);
      dropped = true;
    }
    if (dropped) await this.#saveReferences();
  }

  async get(id: Digest): Promise<ImageRecord | undefined> {
    return this.#records.get(id);
  }

  async list(): Promise<ImageRecord[]> {
    return [...this.#records.values()];
  }

  /** put commits a record once its config blob, layer blobs and top snapshot exist (FailedPrecondition otherwise). */
  async put(record: ImageRecord): Promise<void> {
    await this.#mutex.run(async () => {
      await this.#checkContent(record, true);
      await writeFileAtomic(this.#layout.image(record.id), encodeImageRecord(record));
      this.#records.set(record.id, record);
    });
  }

  async delete(id: Digest): Promise<void> {
    await this.#mutex.run(async () => {
      if (!this.#records.has(id)) return;
      let refsChanged = false;
      for (const [key, e] of this.#refs) {
        if (e.imageId === id) {
          this.#refs.delete(key);
          refsChanged = true;
        }
      }
      // References first: a crash in between leaves an untagged image, never a reference to nothing.
      if (refsChanged) await this.#saveReferences();
      this.#records.delete(id);
      await fs.rm(this.#layout.image(id), { force: true });
      await fsyncDir(this.#layout.imagesDir);
    });
  }

  async references(imageId?: Digest): Promise<ReferenceEntry[]> {
    const all = [...this.#refs.values()];
    return imageId === undefined ? all : all.filter((e) => e.imageId === imageId);
  }

  async resolveReference(ref: Reference): Promise<Digest | undefined> {
    return this.#refs.get(formatReference(ref))?.imageId;
  }

  /** setReference points ref at an existing image (NotFound when the image does not exist). */
  async setReference(ref: Reference, imageId: Digest): Promise<void> {
    await this.#mutex.run(async () => {
      if (!this.#records.has(imageId)) throw noSuchImage(imageId);
      this.#refs.set(formatReference(ref), { ref, imageId });
      await this.#saveReferences();
    });
  }

  async deleteReference(ref: Reference): Promise<boolean> {
    return this.#mutex.run(async () => {
      const existed = this.#refs.delete(formatReference(ref));
      if (existed) await this.#saveReferences();
      return existed;
    });
  }

  lease(): Lease {
    const held = new Set<Digest>();
    this.#leases.add(held);
    const gate = this.#gate;
    return {
      add: (digest: Digest): void => {
        held.add(digest);
      },
      guard: <T>(op: () => Promise<T>): Promise<T> => gate.guard(op),
      release: (): void => {
        this.#leases.delete(held);
      },
    };
  }

  /**
   * garbageCollect removes every blob and snapshot that no record and no live lease reaches, under the store's
   * mutex (so no record appears or vanishes meanwhile). Blobs are swept only when no guarded ingest is in flight
   * (see Lease.guard); otherwise they are left for the next collection, so a collection never waits on an upload.
   */
  async garbageCollect(): Promise<GcResult> {
    return this.#mutex.run(async () => {
      const input: GcInput = {
        records: [...this.#records.values()],
        leased: (d) => [...this.#leases].some((held) => held.has(d)),
        content: this.#content,
        snapshots: this.#snapshots,
      };
      const snaps = await sweepSnapshots(input);
      const blobs = (await this.#gate.trySweep(() => sweepBlobs(input))) ?? { count: 0, bytes: 0 };
      return { blobs: blobs.count, snapshots: snaps.count, bytes: blobs.bytes + snaps.bytes };
    });
  }

  /** check reports records whose config, layer blobs or snapshots are missing (none after a clean shutdown or crash). */
  async check(): Promise<StoreProblem[]> {
    const problems: StoreProblem[] = [];
    for (const record of this.#records.values()) {
      try {
        await this.#checkContent(record, false);
      } catch (err) {
        problems.push({ imageId: record.id, problem: (err as Error).message });
      }
    }
    return problems;
  }

  async #checkContent(record: ImageRecord, topOnly: boolean): Promise<void> {
    const missing = (what: string): WharfError =>
      new WharfError('FailedPrecondition', 'WHARF_IMAGE_CONTENT_MISSING', `image ${record.id}: ${what} is missing`);
    if ((await this.#content.info(record.id)) === undefined) throw missing(`config blob ${record.id}`);
    for (const layer of record.layers) {
      if ((await this.#content.info(layer.blob)) === undefined) throw missing(`layer blob ${layer.blob}`);
    }
    const chains = chainIds(record.layers.map((l) => l.diffId));
    for (const chain of topOnly ? chains.slice(-1) : chains) {
      if ((await this.#snapshots.stat(chain)) === undefined) throw missing(`snapshot ${chain}`);
    }
  }

  async #saveReferences(): Promise<void> {
    await writeFileAtomic(this.#layout.referencesFile, encodeReferences(this.#refs.values()));
  }
}
