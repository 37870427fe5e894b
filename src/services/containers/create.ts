import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { notFound } from '../../common/errors.js';
import { validateCreateRequest } from '../../core/container/create-config.js';
import { mergeImageConfig } from '../../core/container/process-args.js';
import { invalidConfig } from '../../core/container/wire-reader.js';
import type { ImageRecord } from '../../core/image/image-store.js';
import type { ImageConfig } from '../../core/image/oci.js';
import { readImageConfig, resolveImage } from '../../core/image/resolve.js';
import { containerHostname } from '../../core/oci/build-spec.js';
import type { Digest } from '../../common/digest.js';
import type { MergedConfig } from '../../core/container/process-args.js';
import { eventAttributes, initialState, type ContainerRecord, type StoredSpec } from './container-record.js';
import type { EngineContext } from './engine-context.js';
import { validateName } from './names.js';

/** CreateContainerOptions are the query parameters of `POST /containers/create` and the request's API version. */
export interface CreateContainerOptions {
  readonly name?: string;
  readonly platform?: string;
  readonly apiVersion: string;
}

/** CreateContainerResult is Docker's create response: the new ID and the warnings. */
export interface CreateContainerResult {
  readonly id: string;
  readonly warnings: readonly string[];
}

/** newContainerId returns 64 random hex digits whose short form is not all digits (moby GenerateRandomID). */
export function newContainerId(taken: (id: string) => boolean): string {
  for (;;) {
    const id = randomBytes(32).toString('hex');
    if (/^\d+$/.test(id.slice(0, 12)) || taken(id)) continue;
    return id;
  }
}

function platformOf(config: ImageConfig): string {
  return [config.os, config.architecture, config.variant].filter((p) => p).join('/');
}

/** checkPlatform refuses an image whose platform is not the one asked for, in Docker's words (404). */
function checkPlatform(wanted: string | undefined, config: ImageConfig, name: string): void {
  if (wanted === undefined || wanted === '') return;
  const [os = '', arch = '', variant] = wanted.toLowerCase().split('/');
  const actual = platformOf(config);
  const archOk = arch === '' || arch === config.architecture || (arch === 'x86_64' && config.architecture === 'amd64');
  if (os !== config.os || !archOk || (variant !== undefined && variant !== (config.variant ?? ''))) {
    throw notFound(
      'WHARF_IMAGE_PLATFORM_MISMATCH',
      `image with reference ${name} was found but does not match the specified platform: wanted ${wanted}, actual: ${actual}`,
    );
  }
}

async function imageOf(ctx: EngineContext, name: string, platform: string | undefined): Promise<{ image: ImageRecord; config: ImageConfig }> {
  const image = await resolveImage(ctx.images, name);
  const config = await readImageConfig(ctx.content, image);
  checkPlatform(platform, config, name);
  return { image, config };
}

function rawHostConfig(body: unknown): Record<string, unknown> {
  const hc = (body as { HostConfig?: unknown }).HostConfig;
  return typeof hc === 'object' && hc !== null && !Array.isArray(hc) ? (hc as Record<string, unknown>) : {};
}

async function makeDirs(ctx: EngineContext, id: string): Promise<void> {
  await fs.mkdir(ctx.layout.container(id), { mode: 0o710 });
  await fs.mkdir(ctx.layout.containerUpper(id), { mode: 0o755 });
  await fs.mkdir(ctx.layout.containerWork(id), { mode: 0o700 });
}

interface RecordInput {
  readonly id: string;
  readonly name: string;
  readonly spec: StoredSpec;
  readonly hostConfig: Record<string, unknown>;
  readonly config: MergedConfig;
  readonly image: Digest;
  readonly platform: string;
}

/** newRecord is the record of a container just created: its paths under the data root and the exec root. */
function newRecord(ctx: EngineContext, input: RecordInput): ContainerRecord {
  const { id, spec } = input;
  const bundle = ctx.runtime.bundleDir(id);
  return {
    version: 1,
    id,
    name: input.name,
    created: new Date().toISOString(),
    image: spec.image,
    imageId: input.image,
    platform: input.platform,
    spec,
    hostConfig: input.hostConfig,
    config: input.config,
    hostname: containerHostname({ ...spec, warnings: [] }, id, ctx.host.spec.hostname),
    state: initialState(),
    paths: {
      bundle,
      rootfs: path.join(bundle, 'rootfs'),
      upper: ctx.layout.containerUpper(id),
      work: ctx.layout.containerWork(id),
      logPath: spec.logConfig.driver === 'none' ? '' : ctx.layout.containerLog(id),
      hostnamePath: ctx.layout.containerHostname(id),
      hostsPath: ctx.layout.containerHosts(id),
      resolvConfPath: ctx.layout.containerResolvConf(id),
    },
    manuallyStopped: false,
  };
}

/**
 * createContainer is `POST /containers/create`: validate the body (Docker's checks and words), resolve the image
 * (404 "No such image: x"), merge its config ("no command specified" when there is nothing to run), reserve the
 * name (409 when taken; a random Docker-style one when none is given), make the container's directory with its
 * upper/work dirs, and only then write the record, so a crash leaves no half container (ContainerStore.open
 * removes a directory without a record).
 */
export async function createContainer(ctx: EngineContext, body: unknown, opts: CreateContainerOptions): Promise<CreateContainerResult> {
  const { warnings, ...spec } = validateCreateRequest(body, opts.apiVersion, ctx.host.facts);
  const wantedName = opts.name ? validateName(opts.name) : undefined;
  if (spec.image === '') throw invalidConfig('no image specified');
  const { image, config } = await imageOf(ctx, spec.image, opts.platform);
  const merged = mergeImageConfig({ ...spec, warnings }, config.config);
  const id = newContainerId((candidate) => ctx.store.byId(candidate) !== undefined);
  let name: string;
  if (wantedName === undefined) name = ctx.store.generateName(id);
  else {
    ctx.store.reserveName(wantedName, id);
    name = wantedName;
  }
  const record = newRecord(ctx, { id, name, spec, hostConfig: rawHostConfig(body), config: merged, image: image.id, platform: platformOf(config) });
  try {
    await makeDirs(ctx, id);
    await ctx.store.add(record);
  } catch (err) {
    ctx.store.releaseName(name, id);
    await fs.rm(ctx.layout.container(id), { recursive: true, force: true });
    throw err;
  }
  ctx.events.publish({ type: 'container', action: 'create', actor: { id, attributes: eventAttributes(record) } });
  return { id, warnings };
}
