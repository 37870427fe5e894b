// TEST-ONLY: a complete set of image stores on a temporary data root, for unit tests of the image use-cases.
// Nothing outside *.test.ts files may import this module.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import type { EngineEvent, EventSink } from '../../events/engine-event.js';
import { DataRootLayout } from '../../layout.js';
import { LocalImageStore } from '../local-image-store.js';
import { MemoryContentStore, MemorySnapshotter } from './memory-stores.js';

/** RecordingEvents is an EventSink that keeps what was published. */
export class RecordingEvents implements EventSink {
  readonly events: Array<Omit<EngineEvent, 'timeNano'>> = [];
  publish(event: Omit<EngineEvent, 'timeNano'>): void {
    this.events.push(event);
  }
  /** actions lists `action name` strings, in order. */
  actions(): string[] {
    return this.events.map((e) => `${e.action} ${e.actor.attributes['name'] ?? ''}`);
  }
}

/** TestImageDeps has the shape of services' ImageDeps, with the concrete test doubles exposed. */
export interface TestImageDeps {
  readonly content: MemoryContentStore;
  readonly snapshots: MemorySnapshotter;
  readonly images: LocalImageStore;
  readonly events: RecordingEvents;
  readonly layout: DataRootLayout;
}

/** testImageDeps opens fresh stores on a temporary data root removed after the test. */
export async function testImageDeps(t: TestContext): Promise<TestImageDeps> {
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-image-deps-'));
  t.after(() => fs.rm(root, { recursive: true, force: true }));
  const layout = new DataRootLayout(root);
  const content = new MemoryContentStore();
  const snapshots = new MemorySnapshotter();
  const images = await LocalImageStore.open(layout, content, snapshots);
  return { content, snapshots, images, events: new RecordingEvents(), layout };
}
