import path from 'node:path';
import { hexOf, type Digest } from '../common/digest.js';

/**
 * DataRootLayout is the one place that says where things live under the data root (default /var/lib/wharf).
 *
 * ```
 * <root>/wharfd.lock                      flock held by the running wharfd (one daemon per data root)
 * <root>/content/blobs/sha256/<hex>       blobs by digest: compressed or plain layer tars, configs, manifests
 * <root>/content/ingest/<random>          blobs being written; never visible until size and digest are verified
 * <root>/snapshots/<chain-hex>/fs         a committed layer, unpacked once, keyed by chain ID, shared read-only
 * <root>/snapshots/<chain-hex>/meta.json  {chainId, parent, diffId, size}; written last, so its presence = committed
 * <root>/snapshots/tmp/<random>           a layer being unpacked (removed at start-up)
 * <root>/images/<id-hex>.json             image records (id = config digest)
 * <root>/references.json                  reference -> image id (tags and repo digests)
 * <root>/containers/<id>/                 container records and state (containers issue)
 * ```
 * Every path below the root is built from validated digests or generated IDs only, never from user input.
 */
export class DataRootLayout {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  get lockFile(): string {
    return path.join(this.root, 'wharfd.lock');
  }
  get blobsDir(): string {
    return path.join(this.root, 'content', 'blobs', 'sha256');
  }
  get ingestDir(): string {
    return path.join(this.root, 'content', 'ingest');
  }
  blob(digest: Digest): string {
    return path.join(this.blobsDir, hexOf(digest));
  }
  get snapshotsDir(): string {
    return path.join(this.root, 'snapshots');
  }
  get snapshotTmpDir(): string {
    return path.join(this.root, 'snapshots', 'tmp');
  }
  snapshot(chainId: Digest): string {
    return path.join(this.snapshotsDir, hexOf(chainId));
  }
  get imagesDir(): string {
    return path.join(this.root, 'images');
  }
  image(id: Digest): string {
    return path.join(this.imagesDir, `${hexOf(id)}.json`);
  }
  get referencesFile(): string {
    return path.join(this.root, 'references.json');
  }
  get containersDir(): string {
    return path.join(this.root, 'containers');
  }
}
