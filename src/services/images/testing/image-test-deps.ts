// TEST-ONLY: image use-case dependencies over a real LocalImageStore in a temp dir and in-memory content and
// snapshot stores, with recorded events and settable container users. Only *.test.ts files may import this.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { Digest } from '../../../common/digest.js';
import { parseReference, withDefaultTag } from '../../../common/reference.js';
import type { EngineEvent, EventSink } from '../../../core/events/engine-event.js';
import type { ImageRecord } from '../../../core/image/image-store.js';
import { LocalImageStore } from '../../../core/image/local-image-store.js';
import { seedImage } from '../../../core/image/testing/seed.js';
import { MemoryContentStore, MemorySnapshotter } from '../../../core/image/testing/memory-stores.js';
import { DataRootLayout } from '../../../core/layout.js';
import { ImageReader, type ImageServiceDeps } from '../image-reader.js';
import type { ImageUser } from '../image-users.js';

/** TestImageDeps are ImageServiceDeps plus handles tests use to arrange and observe. */
export interface TestImageDeps extends ImageServiceDeps {
  readonly published: Omit<EngineEvent, 'timeNano'>[];
  readonly containerUsers: Map<Digest, ImageUser[]>;
  readonly content: MemoryContentStore;
  readonly snapshots: MemorySnapshotter;
  /** seed stores an image with one layer per file map, tags it with `tags`, and optionally sets a parent. */
  seed(opts: { tags?: string[]; layers?: Record<string, string>[]; config?: Record<string, unknown>; parent?: Digest }): Promise<ImageRecord>;
}

/** makeImageDeps builds TestImageDeps in a fresh temp data root removed after the test; events are also forwarded. */
export async function makeImageDeps(t: TestContext, opts: { forward?: EventSink } = {}): Promise<TestImageDeps> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-images-'));
  t.after(() => fs.rm(dir, { recursive: true, force: true }));
  const content = new MemoryContentStore();
  const snapshots = new MemorySnapshotter();
  const images = await LocalImageStore.open(new DataRootLayout(dir), content, snapshots);
  const published: Omit<EngineEvent, 'timeNano'>[] = [];
  const events: EventSink = {
    publish: (e) => {
      published.push(e);
      opts.forward?.publish(e);
    },
  };
  const containerUsers = new Map<Digest, ImageUser[]>();
  const base = { content, snapshots, images, events };
  let n = 0;
  const deps: TestImageDeps = {
    ...base,
    reader: new ImageReader(base),
    users: { containersUsing: async (id) => containerUsers.get(id) ?? [] },
    published,
    containerUsers,
    seed: async ({ tags = [], layers, config = {}, parent }) => {
      // Distinct content per seed, so every image gets its own ID.
      const record = await seedImage(base, layers ?? [{ [`file-${++n}`]: `image ${n}\n` }], { ...config, comment: `seed ${++n}` });
      const stored = parent === undefined ? record : { ...record, parent };
      if (parent !== undefined) await images.put(stored);
      for (const tag of tags) await images.setReference(withDefaultTag(parseReference(tag)), record.id);
      return stored;
    },
  };
  return deps;
}
