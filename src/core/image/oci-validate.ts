import { invalidArgument } from '../../common/errors.js';
import { definedOnly, JsonChecker } from './json-check.js';
import {
  INDEX_MEDIA_TYPES,
  MANIFEST_MEDIA_TYPES,
  type ContainerConfig,
  type Descriptor,
  type HealthConfig,
  type HistoryEntry,
  type ImageConfig,
  type Index,
  type Manifest,
  type Platform,
} from './oci.js';

/** MAX_CONFIG_BYTES bounds an image config read into memory (real configs are a few KiB). */
export const MAX_CONFIG_BYTES = 8 << 20;
/** MAX_MANIFEST_BYTES bounds a manifest or index, as registries do (distribution's 4 MiB limit). */
export const MAX_MANIFEST_BYTES = 4 << 20;
/** MAX_LAYERS bounds the layers of one image (overlayfs itself stops far below this). */
export const MAX_LAYERS = 1000;
const MAX_HISTORY = 10_000;
const MAX_INDEX_ENTRIES = 10_000;

const configCheck = (): JsonChecker => new JsonChecker('WHARF_INVALID_IMAGE_CONFIG', 'image config');
const manifestCheck = (what: string): JsonChecker => new JsonChecker('WHARF_INVALID_MANIFEST', what);

/** parseImageConfig decodes and validates an untrusted image config blob (InvalidArgument WHARF_INVALID_IMAGE_CONFIG). */
export function parseImageConfig(bytes: Buffer | string): ImageConfig {
  const c = configCheck();
  return validateImageConfig(c.parse(bytes, MAX_CONFIG_BYTES));
}

/** validateImageConfig checks an already decoded image config. */
export function validateImageConfig(value: unknown): ImageConfig {
  const c = configCheck();
  const o = c.object(value, '');
  const rootfs = c.object(o['rootfs'], 'rootfs');
  if (rootfs['type'] !== 'layers') c.fail('rootfs.type', 'expected "layers"');
  const diffIds = c.array(rootfs['diff_ids'] ?? [], 'rootfs.diff_ids', MAX_LAYERS);
  const history = o['history'] === undefined || o['history'] === null ? undefined : c.array(o['history'], 'history', MAX_HISTORY);
  return definedOnly({
    created: c.optString(o['created'], 'created', 100),
    author: c.optString(o['author'], 'author'),
    architecture: c.optString(o['architecture'], 'architecture', 100) ?? '',
    os: c.optString(o['os'], 'os', 100) ?? '',
    variant: c.optString(o['variant'], 'variant', 100),
    'os.version': c.optString(o['os.version'], 'os.version', 100),
    'os.features': c.optStringArray(o['os.features'], 'os.features', 100),
    config: o['config'] === undefined || o['config'] === null ? undefined : containerConfig(c, o['config']),
    rootfs: { type: 'layers', diff_ids: diffIds.map((d, i) => c.digest(d, `rootfs.diff_ids[${i}]`)) },
    history: history?.map((h, i) => historyEntry(c, h, `history[${i}]`)),
    comment: c.optString(o['comment'], 'comment'),
    docker_version: c.optString(o['docker_version'], 'docker_version', 100),
  } satisfies ImageConfig);
}

function containerConfig(c: JsonChecker, value: unknown): ContainerConfig {
  const o = c.object(value, 'config');
  return definedOnly({
    User: c.optString(o['User'], 'config.User'),
    ExposedPorts: c.optSet(o['ExposedPorts'], 'config.ExposedPorts'),
    Env: c.optStringArray(o['Env'], 'config.Env'),
    Entrypoint: c.optStringArray(o['Entrypoint'], 'config.Entrypoint'),
    Cmd: c.optStringArray(o['Cmd'], 'config.Cmd'),
    Volumes: c.optSet(o['Volumes'], 'config.Volumes'),
    WorkingDir: c.optString(o['WorkingDir'], 'config.WorkingDir'),
    Labels: c.optStringMap(o['Labels'], 'config.Labels'),
    StopSignal: c.optString(o['StopSignal'], 'config.StopSignal', 100),
    Healthcheck: o['Healthcheck'] === undefined || o['Healthcheck'] === null ? undefined : healthConfig(c, o['Healthcheck']),
    OnBuild: c.optStringArray(o['OnBuild'], 'config.OnBuild'),
    ArgsEscaped: c.optBoolean(o['ArgsEscaped'], 'config.ArgsEscaped'),
    Shell: c.optStringArray(o['Shell'], 'config.Shell'),
  } satisfies ContainerConfig);
}

function healthConfig(c: JsonChecker, value: unknown): HealthConfig {
  const o = c.object(value, 'config.Healthcheck');
  return definedOnly({
    Test: c.optStringArray(o['Test'], 'config.Healthcheck.Test'),
    Interval: c.optNonNegativeInt(o['Interval'], 'config.Healthcheck.Interval'),
    Timeout: c.optNonNegativeInt(o['Timeout'], 'config.Healthcheck.Timeout'),
    StartPeriod: c.optNonNegativeInt(o['StartPeriod'], 'config.Healthcheck.StartPeriod'),
    StartInterval: c.optNonNegativeInt(o['StartInterval'], 'config.Healthcheck.StartInterval'),
    Retries: c.optNonNegativeInt(o['Retries'], 'config.Healthcheck.Retries'),
  } satisfies HealthConfig);
}

function historyEntry(c: JsonChecker, value: unknown, path: string): HistoryEntry {
  const o = c.object(value, path);
  return definedOnly({
    created: c.optString(o['created'], `${path}.created`, 100),
    created_by: c.optString(o['created_by'], `${path}.created_by`),
    author: c.optString(o['author'], `${path}.author`),
    comment: c.optString(o['comment'], `${path}.comment`),
    empty_layer: c.optBoolean(o['empty_layer'], `${path}.empty_layer`),
  } satisfies HistoryEntry);
}

function platform(c: JsonChecker, value: unknown, path: string): Platform {
  const o = c.object(value, path);
  return definedOnly({
    architecture: c.string(o['architecture'] ?? '', `${path}.architecture`, 100),
    os: c.string(o['os'] ?? '', `${path}.os`, 100),
    variant: c.optString(o['variant'], `${path}.variant`, 100),
    'os.version': c.optString(o['os.version'], `${path}.os.version`, 100),
    'os.features': c.optStringArray(o['os.features'], `${path}.os.features`, 100),
  } satisfies Platform);
}

function descriptor(c: JsonChecker, value: unknown, path: string): Descriptor {
  const o = c.object(value, path);
  const mediaType = c.string(o['mediaType'] ?? '', `${path}.mediaType`, 255);
  return definedOnly({
    mediaType,
    digest: c.digest(o['digest'], `${path}.digest`),
    size: c.nonNegativeInt(o['size'], `${path}.size`),
    urls: c.optStringArray(o['urls'], `${path}.urls`, 100),
    annotations: c.optStringMap(o['annotations'], `${path}.annotations`),
    platform: o['platform'] === undefined || o['platform'] === null ? undefined : platform(c, o['platform'], `${path}.platform`),
    artifactType: c.optString(o['artifactType'], `${path}.artifactType`, 255),
  } satisfies Descriptor);
}

function schemaVersion2(c: JsonChecker, o: Record<string, unknown>): 2 {
  if (o['schemaVersion'] !== 2) c.fail('schemaVersion', 'expected 2');
  return 2;
}

/** parseManifest decodes and validates an untrusted image manifest (InvalidArgument WHARF_INVALID_MANIFEST). */
export function parseManifest(bytes: Buffer | string): Manifest {
  const c = manifestCheck('manifest');
  const o = c.object(c.parse(bytes, MAX_MANIFEST_BYTES), '');
  const mediaType = c.optString(o['mediaType'], 'mediaType', 255);
  if (mediaType !== undefined && !MANIFEST_MEDIA_TYPES.includes(mediaType)) c.fail('mediaType', `unexpected ${JSON.stringify(mediaType)}`);
  return definedOnly({
    schemaVersion: schemaVersion2(c, o),
    mediaType,
    artifactType: c.optString(o['artifactType'], 'artifactType', 255),
    config: descriptor(c, o['config'], 'config'),
    layers: c.array(o['layers'] ?? [], 'layers', MAX_LAYERS).map((l, i) => descriptor(c, l, `layers[${i}]`)),
    subject: o['subject'] === undefined || o['subject'] === null ? undefined : descriptor(c, o['subject'], 'subject'),
    annotations: c.optStringMap(o['annotations'], 'annotations'),
  } satisfies Manifest);
}

/** parseIndex decodes and validates an untrusted OCI index or Docker manifest list (WHARF_INVALID_MANIFEST). */
export function parseIndex(bytes: Buffer | string): Index {
  const c = manifestCheck('index');
  const o = c.object(c.parse(bytes, MAX_MANIFEST_BYTES), '');
  const mediaType = c.optString(o['mediaType'], 'mediaType', 255);
  if (mediaType !== undefined && !INDEX_MEDIA_TYPES.includes(mediaType)) c.fail('mediaType', `unexpected ${JSON.stringify(mediaType)}`);
  return definedOnly({
    schemaVersion: schemaVersion2(c, o),
    mediaType,
    manifests: c.array(o['manifests'] ?? [], 'manifests', MAX_INDEX_ENTRIES).map((m, i) => descriptor(c, m, `manifests[${i}]`)),
    annotations: c.optStringMap(o['annotations'], 'annotations'),
  } satisfies Index);
}

/** checkLayerCount fails unless the config lists exactly as many diff IDs as there are layers (Docker's load check). */
export function checkLayerCount(config: ImageConfig, layers: number): void {
  const actual = config.rootfs.diff_ids.length;
  if (actual !== layers) {
    // compat: Docker's wording (image/tarexport/load.go), "expected" being the manifest's layer count.
    throw invalidArgument('WHARF_INVALID_MANIFEST', `invalid manifest, layers length mismatch: expected ${layers}, got ${actual}`);
  }
}
