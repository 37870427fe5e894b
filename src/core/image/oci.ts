import type { Digest } from '../../common/digest.js';

// Media types of the OCI image spec (image-spec v1.1) and of Docker's image manifest v2 schema 2, which registries,
// `docker save` and `docker load` use interchangeably.

/** MEDIA_TYPE_OCI_MANIFEST is the OCI image manifest. */
export const MEDIA_TYPE_OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
/** MEDIA_TYPE_OCI_INDEX is the OCI image index (a multi-platform list of manifests, also index.json of a layout). */
export const MEDIA_TYPE_OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** MEDIA_TYPE_OCI_CONFIG is the OCI image config. */
export const MEDIA_TYPE_OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
/** MEDIA_TYPE_OCI_LAYER is an uncompressed OCI layer tar. */
export const MEDIA_TYPE_OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar';
/** MEDIA_TYPE_OCI_LAYER_GZIP is a gzip-compressed OCI layer tar. */
export const MEDIA_TYPE_OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip';
/** MEDIA_TYPE_OCI_LAYER_ZSTD is a zstd-compressed OCI layer tar. */
export const MEDIA_TYPE_OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd';
/** MEDIA_TYPE_OCI_LAYER_NONDIST is an uncompressed non-distributable (foreign) OCI layer (deprecated in image-spec 1.1). */
export const MEDIA_TYPE_OCI_LAYER_NONDIST = 'application/vnd.oci.image.layer.nondistributable.v1.tar';
/** MEDIA_TYPE_OCI_LAYER_NONDIST_GZIP is a gzip-compressed non-distributable OCI layer. */
export const MEDIA_TYPE_OCI_LAYER_NONDIST_GZIP = 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip';
/** MEDIA_TYPE_OCI_LAYER_NONDIST_ZSTD is a zstd-compressed non-distributable OCI layer. */
export const MEDIA_TYPE_OCI_LAYER_NONDIST_ZSTD = 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd';

/** MEDIA_TYPE_DOCKER_MANIFEST is Docker's image manifest v2 schema 2. */
export const MEDIA_TYPE_DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
/** MEDIA_TYPE_DOCKER_MANIFEST_LIST is Docker's manifest list (the schema 2 counterpart of an OCI index). */
export const MEDIA_TYPE_DOCKER_MANIFEST_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json';
/** MEDIA_TYPE_DOCKER_CONFIG is Docker's image config. */
export const MEDIA_TYPE_DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json';
/** MEDIA_TYPE_DOCKER_LAYER is an uncompressed Docker layer tar. */
export const MEDIA_TYPE_DOCKER_LAYER = 'application/vnd.docker.image.rootfs.diff.tar';
/** MEDIA_TYPE_DOCKER_LAYER_GZIP is a gzip-compressed Docker layer tar. */
export const MEDIA_TYPE_DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';
/** MEDIA_TYPE_DOCKER_LAYER_ZSTD is a zstd-compressed Docker layer tar (used by buildx with compression=zstd). */
export const MEDIA_TYPE_DOCKER_LAYER_ZSTD = 'application/vnd.docker.image.rootfs.diff.tar.zstd';
/** MEDIA_TYPE_DOCKER_LAYER_FOREIGN is a foreign (non-distributable) gzip Docker layer, e.g. Windows base layers. */
export const MEDIA_TYPE_DOCKER_LAYER_FOREIGN = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';

/** MANIFEST_MEDIA_TYPES are the media types of a single-image manifest. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE_OCI_MANIFEST, MEDIA_TYPE_DOCKER_MANIFEST];
/** INDEX_MEDIA_TYPES are the media types of a list of manifests. */
export const INDEX_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE_OCI_INDEX, MEDIA_TYPE_DOCKER_MANIFEST_LIST];
/** CONFIG_MEDIA_TYPES are the media types of an image config. */
export const CONFIG_MEDIA_TYPES: readonly string[] = [MEDIA_TYPE_OCI_CONFIG, MEDIA_TYPE_DOCKER_CONFIG];
/** LAYER_MEDIA_TYPES are the media types of a layer blob wharf can unpack. */
export const LAYER_MEDIA_TYPES: readonly string[] = [
  MEDIA_TYPE_OCI_LAYER,
  MEDIA_TYPE_OCI_LAYER_GZIP,
  MEDIA_TYPE_OCI_LAYER_ZSTD,
  MEDIA_TYPE_OCI_LAYER_NONDIST,
  MEDIA_TYPE_OCI_LAYER_NONDIST_GZIP,
  MEDIA_TYPE_OCI_LAYER_NONDIST_ZSTD,
  MEDIA_TYPE_DOCKER_LAYER,
  MEDIA_TYPE_DOCKER_LAYER_GZIP,
  MEDIA_TYPE_DOCKER_LAYER_ZSTD,
  MEDIA_TYPE_DOCKER_LAYER_FOREIGN,
];

/** ANNOTATION_REF_NAME is the OCI annotation naming a manifest in an index (a tag, or a full reference). */
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';
/** ANNOTATION_IMAGE_NAME is containerd's annotation carrying the full image name in an exported index. */
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';

/** Platform is the OCI platform object of an index entry or a config. */
export interface Platform {
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
}

/** Descriptor is an OCI content descriptor: what a blob is, its digest and its size. */
export interface Descriptor {
  readonly mediaType: string;
  readonly digest: Digest;
  readonly size: number;
  readonly urls?: readonly string[];
  readonly annotations?: Readonly<Record<string, string>>;
  readonly platform?: Platform;
  readonly artifactType?: string;
}

/** Manifest is a single-platform image manifest (OCI or Docker schema 2). */
export interface Manifest {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly artifactType?: string;
  readonly config: Descriptor;
  readonly layers: readonly Descriptor[];
  readonly subject?: Descriptor;
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Index is an OCI image index or a Docker manifest list. */
export interface Index {
  readonly schemaVersion: 2;
  readonly mediaType?: string;
  readonly manifests: readonly Descriptor[];
  readonly annotations?: Readonly<Record<string, string>>;
}

/** HealthConfig is the image's default health check, durations in nanoseconds (Docker's JSON). */
export interface HealthConfig {
  /** `[]` inherit, `["NONE"]` disabled, `["CMD", args...]` exec, `["CMD-SHELL", command]` shell. */
  readonly Test?: readonly string[];
  readonly Interval?: number;
  readonly Timeout?: number;
  readonly StartPeriod?: number;
  readonly StartInterval?: number;
  readonly Retries?: number;
}

/** ContainerConfig is the `config` object of an image config: the defaults of containers run from the image. */
export interface ContainerConfig {
  readonly User?: string;
  readonly ExposedPorts?: Readonly<Record<string, object>>;
  readonly Env?: readonly string[];
  readonly Entrypoint?: readonly string[];
  readonly Cmd?: readonly string[];
  readonly Volumes?: Readonly<Record<string, object>>;
  readonly WorkingDir?: string;
  readonly Labels?: Readonly<Record<string, string>>;
  readonly StopSignal?: string;
  readonly Healthcheck?: HealthConfig;
  readonly OnBuild?: readonly string[];
  readonly ArgsEscaped?: boolean;
  readonly Shell?: readonly string[];
}

/** HistoryEntry is one step of an image's history (`docker history`). */
export interface HistoryEntry {
  readonly created?: string;
  readonly created_by?: string;
  readonly author?: string;
  readonly comment?: string;
  readonly empty_layer?: boolean;
}

/** RootFs lists the layers of an image by the digests of their uncompressed tars, bottom-most first. */
export interface RootFs {
  readonly type: 'layers';
  readonly diff_ids: readonly Digest[];
}

/**
 * ImageConfig is the image config JSON (OCI image-spec config, with the fields Docker adds). Its sha256 is the image
 * ID. The stored bytes are the source of truth; this parsed form drops JSON nulls and fields wharf does not use.
 */
export interface ImageConfig {
  readonly created?: string;
  readonly author?: string;
  readonly architecture: string;
  readonly os: string;
  readonly variant?: string;
  readonly 'os.version'?: string;
  readonly 'os.features'?: readonly string[];
  readonly config?: ContainerConfig;
  readonly rootfs: RootFs;
  readonly history?: readonly HistoryEntry[];
  /** Docker's top-level comment (set by `docker import -m` and `docker commit -m`). */
  readonly comment?: string;
  readonly docker_version?: string;
}

/** OCI_LAYOUT_FILE is the content of the `oci-layout` marker file of an image layout. */
export const OCI_LAYOUT_FILE = '{"imageLayoutVersion": "1.0.0"}';
