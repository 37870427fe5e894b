import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Digest } from '../../common/digest.js';
import { invalidArgument } from '../../common/errors.js';
import { familiarString, parseReference, validateTag, withDefaultTag, type Reference } from '../../common/reference.js';
import type { DecompressLimits } from '../../core/archive/decompress.js';
import { applyConfigChanges } from '../../core/image/config-changes.js';
import { ingestLayer } from '../../core/image/layer-ingest.js';
import type { ContainerConfig, ImageConfig } from '../../core/image/oci.js';
import { checkOs, hostPlatform, parsePlatform, type PlatformSpec } from '../../core/image/platform.js';
import type { ImageDeps } from './image-deps.js';

/** ImportOptions are the parameters of `POST /images/create?fromSrc=...` (`docker import`). */
export interface ImportOptions {
  /** Repository to tag the image with; may carry a tag itself when `tag` is empty, as Docker's API allows. */
  readonly repo?: string;
  readonly tag?: string;
  /** Dockerfile instructions applied to the config (`--change`). */
  readonly changes?: readonly string[];
  /** History comment; Docker's default is `Imported from <fromSrc>`. */
  readonly message?: string;
  /** Where the tar came from, for the default message (`-` for the request body). */
  readonly fromSrc?: string;
  /** `os/arch[/variant]`; the host platform when absent. */
  readonly platform?: string;
  readonly signal?: AbortSignal;
  readonly limits?: DecompressLimits;
}

/**
 * importImage makes a one-layer image from a root filesystem tar (plain, gzip or zstd), as `docker import` does:
 * the tar is stored as the layer blob and unpacked, and a config is written with the platform, `created` now, the
 * layer's diff ID, one history entry carrying the message, and the `--change` instructions applied. Everything
 * that can be checked without the tar (reference, platform, changes) is checked before it is read. Publishes
 * `tag` (when tagged) and `import`, as Docker does.
 */
export async function importImage(deps: ImageDeps, source: Readable, opts: ImportOptions = {}): Promise<{ id: Digest }> {
  const ref = repoTagReference(opts.repo ?? '', opts.tag ?? '');
  const platform: PlatformSpec = opts.platform === undefined || opts.platform === '' ? hostPlatform() : parsePlatform(opts.platform);
  checkOs(platform.os);
  const containerConfig = applyConfigChanges({}, opts.changes ?? []);
  const lease = deps.images.lease();
  try {
    const ingestOpts = { lease, ...(opts.signal === undefined ? {} : { signal: opts.signal }), ...(opts.limits === undefined ? {} : { limits: opts.limits }) };
    const { layer } = await ingestLayer(deps, source, ingestOpts);
    const message = opts.message !== undefined && opts.message !== '' ? opts.message : `Imported from ${opts.fromSrc ?? '-'}`;
    const bytes = Buffer.from(JSON.stringify(importConfig(containerConfig, platform, layer.diffId, message)));
    const id: Digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
    lease.add(id);
    await deps.content.put(bytes, id);
    await deps.images.put({ id, layers: [layer], addedAt: new Date().toISOString() });
    if (ref !== undefined) {
      await deps.images.setReference(ref, id);
      deps.events.publish({ type: 'image', action: 'tag', actor: { id, attributes: { name: familiarString(ref) } } });
    }
    // compat: Docker names the image by its ID in import events (LogImageEvent(id, id, "import")).
    deps.events.publish({ type: 'image', action: 'import', actor: { id, attributes: { name: id } } });
    return { id };
  } finally {
    lease.release();
  }
}

/** importConfig is the config Docker's ImportImage writes, field for field. */
function importConfig(config: ContainerConfig, platform: PlatformSpec, diffId: Digest, message: string): ImageConfig {
  const created = new Date().toISOString();
  return {
    comment: message,
    created,
    config,
    architecture: platform.architecture,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    os: platform.os,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, comment: message }],
  };
}

/**
 * repoTagReference turns the `repo` and `tag` parameters into the reference to tag, as moby's RepoTagReference:
 * none without a repo; `tag` replaces a tag in `repo`; `:latest` when neither has one; a digest is refused.
 */
export function repoTagReference(repo: string, tag: string): Reference | undefined {
  if (repo === '') return undefined;
  const ref = parseReference(repo);
  if (ref.digest !== undefined) throw invalidArgument('WHARF_INVALID_REFERENCE', 'cannot import digest reference');
  if (tag !== '') return { domain: ref.domain, path: ref.path, tag: validateTag(tag) };
  return withDefaultTag(ref);
}
