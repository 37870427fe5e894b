import type { ContentStore } from '../../core/content/content-store.js';
import type { EventSink } from '../../core/events/engine-event.js';
import type { ImageStore } from '../../core/image/image-store.js';
import type { Snapshotter } from '../../core/snapshot/snapshotter.js';

/** ImageDeps are the stores every image use-case works on, injected by the daemon's composition root. */
export interface ImageDeps {
  readonly content: ContentStore;
  readonly snapshots: Snapshotter;
  readonly images: ImageStore;
  readonly events: EventSink;
}
