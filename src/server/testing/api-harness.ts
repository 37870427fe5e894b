// TEST-ONLY: starts the real Engine API server on a unix socket in a temp dir and talks to it with node:http.
// Only *.test.ts files may import this module.
import fs from 'node:fs/promises';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { TestContext } from 'node:test';
import { pino } from 'pino';
import type { Digest } from '../../common/digest.js';
import type { EngineServices, ImageService } from '../../services/engine-services.js';
import type { EventBus } from '../../services/events/event-bus.js';
import { imageHistory } from '../../services/images/history.js';
import { inspectImage } from '../../services/images/inspect.js';
import { listImages } from '../../services/images/list.js';
import { ImagePruner } from '../../services/images/prune.js';
import { removeImage } from '../../services/images/remove.js';
import { tagImage } from '../../services/images/tag.js';
import type { TestImageDeps } from '../../services/images/testing/image-test-deps.js';
import { diskUsage } from '../../services/system/df.js';
import { NO_CONTAINERS, systemInfo } from '../../services/system/info.js';
import type { SystemFacts } from '../../services/system/system-facts.js';
import { createApiServer, listen, stopServer } from '../create-server.js';
import type { Router } from '../router.js';
import type { ContainerStreamsApi } from '../../services/containers/attach-streams.js';
import type { ContainerFileService } from '../../services/containers/archive-service.js';
import type { ContainerService } from '../../services/containers/container-engine.js';

/** TestResponse is a whole response as a test sees it. */
export interface TestResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly text: string;
  json(): unknown;
}

/** RequestOptions add a body and headers to a test request. */
export interface RequestOptions {
  readonly body?: Buffer | string | Readable;
  readonly headers?: Record<string, string | number>;
}

/** send makes one request over the socket and returns the whole response. */
export function send(socketPath: string, method: string, urlPath: string, opts: RequestOptions = {}): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path: urlPath, headers: opts.headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(parts);
        const text = body.toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text, json: () => JSON.parse(text) as unknown });
      });
    });
    req.on('error', reject);
    if (opts.body instanceof Readable) opts.body.pipe(req);
    else req.end(opts.body);
  });
}

/** openStream makes a request and returns the response as it starts, for reading a stream line by line. */
export function openStream(socketPath: string, urlPath: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method: 'GET', path: urlPath }, resolve);
    req.on('error', reject);
    req.end();
  });
}

/** TestServer is a running server and a way to call it. */
export interface TestServer {
  readonly socketPath: string;
  request(method: string, urlPath: string, opts?: RequestOptions): Promise<TestResponse>;
}

/** startServer serves a router on a unix socket in a temp dir; everything is stopped and removed after the test. */
export async function startServer(t: TestContext, router: Router): Promise<TestServer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'wharf-api-'));
  const socketPath = path.join(dir, 'wharf.sock');
  const server = createApiServer(router, { log: pino({ level: 'silent' }), version: '0.0.0-test' });
  await listen(server, `unix://${socketPath}`);
  t.after(async () => {
    await stopServer(server, 100);
    await fs.rm(dir, { recursive: true, force: true });
  });
  return { socketPath, request: (method, urlPath, opts) => send(socketPath, method, urlPath, opts) };
}

/** TEST_FACTS are fixed system facts for tests. */
export const TEST_FACTS: SystemFacts = {
  version: '0.0.0-test',
  dataRoot: '/var/lib/wharf-test',
  host: {
    hostname: 'testhost',
    ncpu: 4,
    memTotal: 8 * 2 ** 30,
    kernelVersion: '6.1.0-test',
    operatingSystem: 'Debian GNU/Linux 12 (bookworm)',
    osVersion: '12',
    osType: 'linux',
    architecture: 'x86_64',
    cgroupVersion: '2',
  },
};

/** unreachable stands in for a service the image routes' tests never reach: any call through it fails loudly. */
export function unreachable<T extends object>(service: string): T {
  return new Proxy({} as T, {
    get: (_target, name) => () => {
      throw new Error(`${service}.${String(name)} is not provided by this test`);
    },
  });
}

/**
 * testServices wires the real image and system use-cases over TestImageDeps with a real event bus; load, save and
 * import are replaced by `overrides` (they belong to their own tests) and fail when not given.
 */
export function testServices(deps: TestImageDeps, bus: EventBus, overrides: Partial<ImageService> = {}): EngineServices {
  const missing = async (): Promise<never> => {
    throw new Error('not provided by this test');
  };
  const pruner = new ImagePruner(deps);
  const images: ImageService = {
    list: (o) => listImages(deps, o),
    inspect: (n) => inspectImage(deps, n),
    history: (n) => imageHistory(deps, n),
    tag: async (n, r, tg) => void (await tagImage(deps, n, r, tg)),
    remove: (n, o) => removeImage(deps, n, o),
    prune: (o) => pruner.prune(o),
    importImage: missing,
    load: missing,
    save: missing,
    ...overrides,
  };
  return {
    images,
    containers: unreachable<ContainerService>('containers'),
    streams: unreachable<ContainerStreamsApi>('streams'),
    containerFiles: unreachable<ContainerFileService>('containerFiles'),
    events: bus,
    system: {
      facts: TEST_FACTS,
      info: () => systemInfo({ facts: TEST_FACTS, imageCount: async () => (await deps.images.list()).length, containers: NO_CONTAINERS, eventListeners: () => bus.listenerCount }),
      diskUsage: (types) => diskUsage(deps, types),
    },
  };
}

/** idHex is the 64-hex part of a digest, for URLs. */
export const idHex = (d: Digest): string => d.slice('sha256:'.length);
