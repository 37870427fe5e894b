// The composition root: opens the stores in dependency order, builds the services and the Engine API server, and
// returns a handle that shuts everything down. Only wiring lives here; every decision is in the parts it wires.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Logger } from 'pino';
import { writeFileAtomic } from '../core/durable/atomic-file.js';
import { LocalContentStore } from '../core/content/local-content-store.js';
import { LocalImageStore } from '../core/image/local-image-store.js';
import { KNOWN_CAPABILITIES } from '../core/container/capabilities.js';
import { DataRootLayout } from '../core/layout.js';
import { OverlaySnapshotter } from '../core/snapshot/overlay-snapshotter.js';
import { CgroupMetrics } from '../os/cgroups/cgroup-metrics.js';
import { ConmonRuntime } from '../os/conmon/conmon-runtime.js';
import { LinuxMounter } from '../os/mount/linux-mounter.js';
import { lgetxattr, llistxattr, specialFileOps } from '../os/native/native.js';
import { grantableCapabilities } from '../os/proc/proc-stat-process.js';
import { createEngineServer, listen, stopServer } from '../server/create-server.js';
import { containerFileService } from '../services/containers/archive-service.js';
import { buildContainerStreams } from '../services/containers/attach-streams.js';
import { defaultContainerHost } from '../services/containers/container-deps.js';
import { ContainerEngine } from '../services/containers/container-engine.js';
import { ContainerStore } from '../services/containers/container-store.js';
import { buildEngineServices } from '../services/engine-services.js';
import { EventBus } from '../services/events/event-bus.js';
import { detectHostFacts } from '../services/system/host-facts.js';
import type { DaemonConfig } from './config.js';
import { lockDataRoot } from './data-root-lock.js';
import { WHARF_VERSION } from './version.js';

/** RunningDaemon is a started wharfd. */
export interface RunningDaemon {
  stop(): Promise<void>;
}

/** startDaemon brings wharfd up: lock, stores, services, listeners, pid file. */
export async function startDaemon(config: DaemonConfig, log: Logger): Promise<RunningDaemon> {
  const layout = new DataRootLayout(config.dataRoot);
  await fs.mkdir(layout.root, { recursive: true, mode: 0o711 });
  await fs.mkdir(config.execRoot, { recursive: true, mode: 0o711 });
  const lock = lockDataRoot(layout.lockFile, layout.root);
  const warn = (message: string): void => log.warn(message);

  const content = await LocalContentStore.open(layout);
  const snapshots = await OverlaySnapshotter.open(layout, specialFileOps);
  const images = await LocalImageStore.open(layout, content, snapshots, { onWarning: warn });
  const events = new EventBus();
  const capabilities = await grantableCapabilities(KNOWN_CAPABILITIES);
  const containers = await ContainerEngine.open({
    layout,
    store: await ContainerStore.open(layout, { onWarning: warn }),
    runtime: await ConmonRuntime.open({ execRoot: config.execRoot }),
    mounter: new LinuxMounter(),
    images,
    content,
    snapshots,
    events,
    host: defaultContainerHost(capabilities),
    log: log.child({ component: 'containers' }),
  });
  const streams = buildContainerStreams({
    ...containers.context,
    metrics: new CgroupMetrics(),
    allCapabilities: capabilities,
    killProcess: (pid, signal) => process.kill(pid, signal),
  });
  for (const l of streams.listeners) containers.addListener(l);
  containers.setExecIds((id) => streams.execIds(id));
  const services = buildEngineServices(
    { content, snapshots, images },
    {
      facts: { version: WHARF_VERSION, dataRoot: layout.root, host: await detectHostFacts(), debug: config.logLevel === 'debug' },
      events,
      containers,
      streams,
      containerFiles: containerFileService(containers.context, { special: specialFileOps, xattrs: { llistxattr, lgetxattr } }),
      onWarning: warn,
    },
  );
  const server = createEngineServer(services, { log, version: WHARF_VERSION });
  for (const host of config.hosts) await listen(server, host);

  const pidFile = path.join(config.execRoot, 'wharfd.pid');
  await writeFileAtomic(pidFile, `${process.pid}\n`);
  log.info({ version: WHARF_VERSION, dataRoot: layout.root, execRoot: config.execRoot, hosts: config.hosts }, 'wharfd is listening');

  return {
    stop: async () => {
      await stopServer(server);
      streams.close();
      containers.close();
      await fs.rm(pidFile, { force: true });
      for (const host of config.hosts) if (host.startsWith('unix://')) await fs.rm(host.slice('unix://'.length), { force: true });
      lock.release();
    },
  };
}
