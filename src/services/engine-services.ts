import type { Readable } from 'node:stream';
import type { Digest } from '../common/digest.js';
import type { ContentStore } from '../core/content/content-store.js';
import type { EngineEvent, EventSink } from '../core/events/engine-event.js';
import type { ImageStore } from '../core/image/image-store.js';
import type { Snapshotter } from '../core/snapshot/snapshotter.js';
import type { ContainerFileService } from './containers/archive-service.js';
import type { ContainerStreamsApi } from './containers/attach-streams.js';
import type { ContainerService } from './containers/container-engine.js';
import { EventBus, type EventSubscription, type SubscribeOptions } from './events/event-bus.js';
import { imageHistory, type HistoryItem } from './images/history.js';
import type { ImageDeps } from './images/image-deps.js';
import { ImageReader, type ImageServiceDeps } from './images/image-reader.js';
import type { ImageUsers } from './images/image-users.js';
import { importImage } from './images/import.js';
import { inspectImage, type ImageDetails } from './images/inspect.js';
import { listImages, type ImageSummary, type ListImagesOptions } from './images/list.js';
import { loadImages } from './images/load.js';
import { ImagePruner, type PruneOptions, type PruneReport } from './images/prune.js';
import { removeImage, type DeleteItem, type RemoveImageOptions } from './images/remove.js';
import { saveImages } from './images/save.js';
import { tagImage } from './images/tag.js';
import { diskUsage, type DiskUsage, type DiskUsageType } from './system/df.js';
import { systemInfo, type ContainerCounter, type SystemInfo } from './system/info.js';
import type { SystemFacts } from './system/system-facts.js';

/** ProgressMessage is one progress line of a streamed image operation (Docker's JSON message). */
export interface ProgressMessage {
  readonly stream?: string;
  readonly status?: string;
  readonly id?: string;
  readonly progressDetail?: { readonly current?: number; readonly total?: number };
}

/** ImportImageOptions are the parameters of `POST /images/create?fromSrc=-`. */
export interface ImportImageOptions {
  readonly repo?: string;
  readonly tag?: string;
  readonly changes?: string[];
  /** The history comment; `Imported from <fromSrc>` when absent. */
  readonly message?: string;
  /** Where the archive came from (`-`: the request body), for the default message. */
  readonly fromSrc?: string;
  readonly platform?: string;
  readonly signal?: AbortSignal;
}

/** LoadImagesOptions are the parameters of `POST /images/load`. */
export interface LoadImagesOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: ProgressMessage) => void;
}

/** LoadResult lists the images a load stored, with their familiar references (`busybox:latest`). */
export interface LoadResult {
  readonly loaded: ReadonlyArray<{ readonly id: Digest; readonly refs: readonly string[] }>;
}

/** ImageService is what the image routes call. */
export interface ImageService {
  list(opts?: ListImagesOptions): Promise<ImageSummary[]>;
  inspect(name: string): Promise<ImageDetails>;
  history(name: string): Promise<HistoryItem[]>;
  tag(name: string, repo: string, tag: string): Promise<void>;
  remove(name: string, opts?: RemoveImageOptions): Promise<DeleteItem[]>;
  prune(opts?: PruneOptions): Promise<PruneReport>;
  importImage(source: Readable, opts: ImportImageOptions): Promise<{ id: Digest }>;
  load(archive: Readable, opts: LoadImagesOptions): Promise<LoadResult>;
  /** save resolves every name before it returns, so an unknown name fails before any byte is streamed. */
  save(names: readonly string[], opts: { signal?: AbortSignal }): Promise<Readable>;
}

/** SystemService is what the system routes call. */
export interface SystemService {
  /** facts are the daemon's static facts (`GET /version`). */
  readonly facts: SystemFacts;
  info(): Promise<SystemInfo>;
  diskUsage(types: ReadonlySet<DiskUsageType>): Promise<DiskUsage>;
}

/** EventService is the event bus as `GET /events` uses it; it is also the EventSink services publish into. */
export interface EventService extends EventSink {
  subscribe(opts: SubscribeOptions, onEvent: (event: EngineEvent) => void): EventSubscription;
}

/** EngineServices bundles everything the Engine API routes call; server/ sees only this. */
export interface EngineServices {
  readonly images: ImageService;
  readonly system: SystemService;
  readonly events: EventService;
  readonly containers: ContainerService;
  /** Attach, resize, exec, top and stats (absent only in servers built for image-only tests). */
  readonly streams: ContainerStreamsApi;
  /** docker cp, diff, export and commit (containerFileService; absent only in servers built for image-only tests). */
  readonly containerFiles: ContainerFileService;
}

/**
 * ContainersPart is the containers service as buildEngineServices takes it: what the routes call, who uses which
 * image (for rmi), and the counts /info shows (services/containers ContainerEngine is all three).
 */
export type ContainersPart = ContainerService & ImageUsers & ContainerCounter;

/** EngineStores are the stores the daemon opens and hands to buildEngineServices. */
export interface EngineStores {
  readonly content: ContentStore;
  readonly snapshots: Snapshotter;
  readonly images: ImageStore;
}

/** EngineServicesOptions configure buildEngineServices. */
export interface EngineServicesOptions {
  readonly facts: SystemFacts;
  /** The event bus; a new one by default. Other services publish into `services.events`. */
  readonly events?: EventBus;
  /** The containers service (ContainerEngine.open); it also tells rmi who uses an image and /info the counts. */
  readonly containers: ContainersPart;
  /** The interactive container services (buildContainerStreams over the containers' context). */
  readonly streams: ContainerStreamsApi;
  /** The container file services (containerFileService over the containers' context and the host's file ops). */
  readonly containerFiles: ContainerFileService;
  /** Hears non-fatal problems (an image a prune could not remove); the daemon logs them at warn. */
  readonly onWarning?: (message: string) => void;
}

function imageService(deps: ImageServiceDeps, onWarning: ((message: string) => void) | undefined): ImageService {
  const pruner = new ImagePruner(deps);
  return {
    list: (opts) => listImages(deps, opts),
    inspect: (name) => inspectImage(deps, name),
    history: (name) => imageHistory(deps, name),
    tag: async (name, repo, tag) => void (await tagImage(deps, name, repo, tag)),
    remove: (name, opts) => removeImage(deps, name, opts),
    prune: (opts) => pruner.prune({ onWarning, ...opts }),
    importImage: (source, opts) => importImage(deps, source, opts),
    load: (archive, opts) => loadImages(deps, archive, opts),
    save: (names, opts) => saveImages(deps, names, opts),
  };
}

/**
 * buildEngineServices assembles the services behind the Engine API from the daemon's stores and facts; the daemon's
 * composition root only opens the stores and passes them here:
 *
 * ```ts
 * const containers = await ContainerEngine.open({ layout, store, runtime, mounter, images, content, snapshots, events, host, log });
 * const services = buildEngineServices({ content, snapshots, images }, {
 *   facts: { version: WHARF_VERSION, dataRoot: config.dataRoot, host: await detectHostFacts() },
 *   events,
 *   containers,
 * });
 * const server = createEngineServer(services, { log, version: WHARF_VERSION });
 * ```
 */
export function buildEngineServices(stores: EngineStores, opts: EngineServicesOptions): EngineServices {
  const events = opts.events ?? new EventBus();
  const imageDeps: ImageDeps = { ...stores, events };
  const deps: ImageServiceDeps = { ...imageDeps, reader: new ImageReader(imageDeps), users: opts.containers };
  const system: SystemService = {
    facts: opts.facts,
    info: () =>
      systemInfo({
        facts: opts.facts,
        imageCount: async () => (await stores.images.list()).length,
        containers: opts.containers,
        eventListeners: () => events.listenerCount,
      }),
    diskUsage: (types) => diskUsage(deps, types),
  };
  return {
    images: imageService(deps, opts.onWarning),
    system,
    events,
    containers: opts.containers,
    streams: opts.streams,
    containerFiles: opts.containerFiles,
  };
}
