import type { Digest } from '../../common/digest.js';
import { isNotModified } from './container-errors.js';
import type { ExitWatch } from '../../core/runtime/container-runtime.js';
import { chainId } from '../../core/image/chain-id.js';
import type { FilterArgs } from '../filters/filter-args.js';
import type { ImageUser, ImageUsers } from '../images/image-users.js';
import type { ContainerCounter, ContainerCounts } from '../system/info.js';
import type { ContainerDeps } from './container-deps.js';
import { eventAttributes, isActive, type ContainerRecord } from './container-record.js';
import { createContainer, type CreateContainerOptions, type CreateContainerResult } from './create.js';
import type { ContainerLifecycleListener, EngineContext } from './engine-context.js';
import { handleExit } from './exit.js';
import { ExitWaiters, type ExitStatus } from './exit-waiters.js';
import { listContainers, type ContainerListItem, type ListOptions } from './list.js';
import { restoreContainers } from './live-restore.js';
import { containerLogs, type ContainerLogs, type LogsOptions } from './logs.js';
import { pauseContainer, unpauseContainer } from './pause.js';
import { pruneContainers, type ContainerPruneReport } from './prune.js';
import { removeContainer, type RemoveOptions } from './remove.js';
import { renameContainer } from './rename.js';
import { RestartScheduler } from './restart-policy.js';
import { RootfsMounts } from './rootfs.js';
import { containerSizes, type ContainerSizes } from './size.js';
import { startContainer } from './start.js';
import { stopContainer, killContainer, type StopOptions } from './stop.js';
import { updateContainer } from './update.js';
import { waitContainer, type WaitCondition } from './wait.js';

/** ContainerDetails is what inspect shows beyond the record: sizes when asked, the overlay's lower dirs, exec IDs. */
export interface ContainerDetails {
  readonly record: ContainerRecord;
  readonly sizes?: ContainerSizes;
  /** The image's layer directories, top-most first (GraphDriver.Data.LowerDir). */
  readonly lowerDirs: readonly string[];
  readonly execIds: readonly string[];
}

/** ContainerService is what the container routes call (`server/routes/containers.ts`). */
export interface ContainerService {
  create(body: unknown, opts: CreateContainerOptions): Promise<CreateContainerResult>;
  start(ref: string): Promise<void>;
  stop(ref: string, opts?: StopOptions): Promise<void>;
  kill(ref: string, signal?: string): Promise<void>;
  restart(ref: string, opts?: StopOptions): Promise<void>;
  /** wait looks the container up and registers synchronously (throws at once for an unknown one). */
  wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<ExitStatus>;
  remove(ref: string, opts?: RemoveOptions): Promise<void>;
  inspect(ref: string, opts?: { size?: boolean }): Promise<ContainerDetails>;
  list(opts?: ListOptions): Promise<ContainerListItem[]>;
  rename(ref: string, name: string): Promise<void>;
  pause(ref: string): Promise<void>;
  unpause(ref: string): Promise<void>;
  update(ref: string, body: unknown): Promise<string[]>;
  prune(filters?: FilterArgs): Promise<ContainerPruneReport>;
  /** logs looks the container up synchronously (errors before anything is sent) and returns the entries to stream. */
  logs(ref: string, opts: LogsOptions): ContainerLogs;
}

/**
 * ContainerEngine runs the container lifecycle: it is the ContainerService the routes call, the ImageUsers rmi
 * asks, and the ContainerCounter /info shows. `open` reconciles the records with the host (live restore) and
 * starts watching the runtime's exit records; `close` stops watching (containers keep running).
 *
 * The other container features (attach, exec, health, stats, archive...) build on `context` (the store, the
 * runtime, root mounts, exit waiters) and hear the lifecycle through `addListener`.
 *
 * ```ts
 * const engine = await ContainerEngine.open({ layout, store, runtime, mounter, images, content, snapshots, events, host, log });
 * const services = buildEngineServices(stores, { facts, containers: engine });
 * ```
 */
export class ContainerEngine implements ContainerService, ImageUsers, ContainerCounter {
  /** context is the shared state of the container use-cases, for the features built beside them. */
  readonly context: EngineContext;
  #watch?: ExitWatch;
  #execIds: (id: string) => readonly string[] = () => [];

  private constructor(deps: ContainerDeps) {
    this.context = {
      ...deps,
      rootfs: new RootfsMounts(deps),
      waiters: new ExitWaiters(),
      restarts: new RestartScheduler(),
      starting: new Map(),
      listeners: new Set(),
      rotations: new Map(),
      closing: { value: false },
    };
  }

  /** open builds the engine, restores the containers found on disk and starts watching exits. */
  static async open(deps: ContainerDeps, opts: { restore?: boolean } = {}): Promise<ContainerEngine> {
    const engine = new ContainerEngine(deps);
    const ctx = engine.context;
    const remove = (id: string): Promise<void> => engine.remove(id, { force: true });
    if (opts.restore !== false) await restoreContainers(ctx, remove);
    engine.#watch = ctx.runtime.watchExits((id, exit) => {
      handleExit(ctx, id, exit, remove).catch((err: unknown) => ctx.log.error({ err, containerId: id }, 'handling a container exit failed'));
    }, { existing: true });
    return engine;
  }

  /** close stops watching exits and cancels pending restarts; running containers keep running. */
  close(): void {
    this.context.closing.value = true;
    this.#watch?.close();
    this.context.restarts.close();
    for (const r of this.context.rotations.values()) r.stop();
    this.context.rotations.clear();
  }

  /** addListener subscribes to the container lifecycle; returns the unsubscribe function. */
  addListener(listener: ContainerLifecycleListener): () => void {
    this.context.listeners.add(listener);
    return () => this.context.listeners.delete(listener);
  }

  /** setExecIds lets the exec feature report a container's exec sessions (inspect's ExecIDs). */
  setExecIds(provider: (containerId: string) => readonly string[]): void {
    this.#execIds = provider;
  }

  create(body: unknown, opts: CreateContainerOptions): Promise<CreateContainerResult> {
    return createContainer(this.context, body, opts);
  }

  async start(ref: string): Promise<void> {
    try {
      await startContainer(this.context, ref, 'manual');
    } catch (err) {
      const record = this.context.store.find(ref);
      // compat: an AutoRemove container that fails to start is removed, as dockerd does.
      if (record?.spec.autoRemove === true && !isNotModified(err)) await this.remove(record.id, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  stop(ref: string, opts?: StopOptions): Promise<void> {
    return stopContainer(this.context, ref, opts);
  }

  kill(ref: string, signal?: string): Promise<void> {
    return killContainer(this.context, ref, signal);
  }

  /** restart stops a running container (as stop, without its 304) and starts it; a `restart` event follows. */
  async restart(ref: string, opts?: StopOptions): Promise<void> {
    const record = this.context.store.get(ref);
    try {
      await stopContainer(this.context, record.id, opts);
    } catch (err) {
      if (!isNotModified(err)) throw err;
    }
    await this.start(record.id);
    const after = this.context.store.get(record.id);
    this.context.events.publish({ type: 'container', action: 'restart', actor: { id: after.id, attributes: eventAttributes(after) } });
  }

  wait(ref: string, condition: WaitCondition, signal?: AbortSignal): Promise<ExitStatus> {
    return waitContainer(this.context, ref, condition, signal);
  }

  remove(ref: string, opts?: RemoveOptions): Promise<void> {
    return removeContainer(this.context, ref, opts);
  }

  async inspect(ref: string, opts: { size?: boolean } = {}): Promise<ContainerDetails> {
    const record = this.context.store.get(ref);
    const image = await this.context.images.get(record.imageId);
    const top = chainId(image?.layers.map((l) => l.diffId) ?? []);
    const lowerDirs = top === undefined ? [] : await this.context.snapshots.lowerDirs(top).catch(() => []);
    return {
      record,
      ...(opts.size === true ? { sizes: await containerSizes(this.context, record) } : {}),
      lowerDirs,
      execIds: this.#execIds(record.id),
    };
  }

  list(opts?: ListOptions): Promise<ContainerListItem[]> {
    return listContainers(this.context, opts);
  }

  rename(ref: string, name: string): Promise<void> {
    return renameContainer(this.context, ref, name);
  }

  pause(ref: string): Promise<void> {
    return pauseContainer(this.context, ref);
  }

  unpause(ref: string): Promise<void> {
    return unpauseContainer(this.context, ref);
  }

  update(ref: string, body: unknown): Promise<string[]> {
    return updateContainer(this.context, ref, body);
  }

  prune(filters?: FilterArgs): Promise<ContainerPruneReport> {
    return pruneContainers(this.context, filters, { onWarning: (message) => this.context.log.warn({}, message) });
  }

  logs(ref: string, opts: LogsOptions): ContainerLogs {
    return containerLogs(this.context, ref, opts);
  }

  /** containersUsing is ImageUsers: the containers created from an image, running ones first. */
  async containersUsing(imageId: Digest): Promise<readonly ImageUser[]> {
    const users = this.context.store
      .list()
      .filter((r) => r.imageId === imageId)
      .map((r) => ({ id: r.id, running: isActive(r) || r.state.status === 'restarting' }));
    return [...users.filter((u) => u.running), ...users.filter((u) => !u.running)];
  }

  /** counts is ContainerCounter: running (restarting included, as Docker counts), paused, stopped. */
  async counts(): Promise<ContainerCounts> {
    let running = 0;
    let paused = 0;
    let stopped = 0;
    for (const r of this.context.store.list()) {
      if (r.state.status === 'paused') paused++;
      else if (r.state.status === 'running' || r.state.status === 'restarting') running++;
      else stopped++;
    }
    return { running, paused, stopped };
  }
}
