// TEST-ONLY: a ContainerEngine over in-memory image stores and the fake runtime and mounter. Only *.test.ts files
// may import this module.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { KNOWN_CAPABILITIES } from '../../../core/container/capabilities.js';
import type { ContentStore } from '../../../core/content/content-store.js';
import type { EventSink } from '../../../core/events/engine-event.js';
import type { ImageRecord, ImageStore } from '../../../core/image/image-store.js';
import type { DataRootLayout } from '../../../core/layout.js';
import type { Snapshotter } from '../../../core/snapshot/snapshotter.js';
import { seedImage } from '../../../core/image/testing/seed.js';
import { testImageDeps, type TestImageDeps } from '../../../core/image/testing/test-deps.js';
import type { ContainerHost, ContainerLog } from '../container-deps.js';
import { ContainerEngine } from '../container-engine.js';
import { ContainerStore } from '../container-store.js';
import { FakeMounter, FakeRuntime } from './fake-runtime.js';

/** TEST_HOST is a fixed host: 4 CPUs, every capability, a fixed hostname, no init binary. */
export const TEST_HOST: ContainerHost = {
  facts: { cpuCount: 4, capabilities: KNOWN_CAPABILITIES, pathExists: () => true },
  spec: {
    arch: 'amd64',
    kernelRelease: '6.1.0-test',
    capabilities: KNOWN_CAPABILITIES,
    hostname: 'testhost',
    cgroupV2: true,
    recursiveReadOnly: true,
    extraMaskedPaths: [],
  },
  seccompProfile: async () => ({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }] }),
  initBinary: () => undefined,
  resolvConf: async () => 'nameserver 10.0.0.2\nsearch example.com\n',
  hostsFile: async () => '127.0.0.1\tlocalhost\n',
  devices: async () => [],
  resolveDevice: async () => [],
};

/** silentLog is a ContainerLog that keeps what it is told, for tests that assert on warnings. */
export function silentLog(): ContainerLog & { readonly lines: string[] } {
  const lines: string[] = [];
  const keep = (obj: object, msg?: string): void => void lines.push(`${msg ?? ''} ${JSON.stringify(obj)}`);
  return { lines, debug: () => undefined, info: keep, warn: keep, error: keep };
}

// The memory snapshotter's directories are digests ("/memory/sha256:..."); overlay options cannot hold ':'.
function pathSafe(s: Snapshotter): Snapshotter {
  return {
    stat: (c) => s.stat(c),
    apply: (c, p, tar, opts) => s.apply(c, p, tar, opts),
    list: () => s.list(),
    remove: (c) => s.remove(c),
    lowerDirs: async (c) => (await s.lowerDirs(c)).map((d) => d.replace(/:/g, '-')),
  };
}

/** TestEngine is an engine with its doubles exposed. */
export interface TestEngine {
  readonly engine: ContainerEngine;
  readonly runtime: FakeRuntime;
  readonly mounter: FakeMounter;
  readonly stores: TestImageDeps;
  readonly store: ContainerStore;
  readonly image: ImageRecord;
  readonly log: ContainerLog & { readonly lines: string[] };
  /** reopen builds a new engine (a daemon restart) over the same store files, runtime and mounter. */
  reopen(): Promise<TestEngine>;
}

/** EngineBase is what an engine needs besides the runtime and the mounter. */
export interface EngineBase {
  readonly layout: DataRootLayout;
  readonly images: ImageStore;
  readonly content: ContentStore;
  readonly snapshots: Snapshotter;
  readonly events: EventSink;
}

/** openTestContainers opens a ContainerEngine over `base` with a fresh (or given) fake runtime and mounter. */
export async function openTestContainers(
  t: TestContext,
  base: EngineBase,
  doubles: { runtime?: FakeRuntime; mounter?: FakeMounter } = {},
): Promise<{ engine: ContainerEngine; runtime: FakeRuntime; mounter: FakeMounter; store: ContainerStore; log: ContainerLog & { readonly lines: string[] } }> {
  const runtime = doubles.runtime ?? new FakeRuntime(path.join(base.layout.root, 'exec'));
  await fs.mkdir(runtime.root, { recursive: true });
  const mounter = doubles.mounter ?? new FakeMounter();
  const log = silentLog();
  const store = await ContainerStore.open(base.layout);
  const engine = await ContainerEngine.open({
    layout: base.layout, store, runtime, mounter, images: base.images, content: base.content,
    snapshots: pathSafe(base.snapshots), events: base.events, host: TEST_HOST, log,
  });
  t.after(() => engine.close());
  return { engine, runtime, mounter, store, log };
}

/** testEngine builds a ContainerEngine with a `busybox` image (one layer, Cmd ["sh"]) and fake runtime/mounter. */
export async function testEngine(t: TestContext, imageConfig: Record<string, unknown> = {}): Promise<TestEngine> {
  const stores = await testImageDeps(t);
  const image = await seedImage(stores, [{ 'bin/sh': '#!' }], { config: { Cmd: ['sh'], Env: ['PATH=/bin'], ...imageConfig } });
  await stores.images.setReference({ domain: 'docker.io', path: 'library/busybox', tag: 'latest' }, image.id);
  const runtime = new FakeRuntime(path.join(stores.layout.root, 'exec'));
  const mounter = new FakeMounter();
  const open = async (): Promise<TestEngine> => {
    const opened = await openTestContainers(t, stores, { runtime, mounter });
    return { ...opened, stores, image, reopen: open };
  };
  return open();
}

/** settle lets pending exit notifications and their handling run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setTimeout(r, 5));
}

/** eventually polls `check` until it holds (tests of timers and asynchronous exits), failing after `ms`. */
export async function eventually(what: string, check: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
