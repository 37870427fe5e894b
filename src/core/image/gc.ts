import type { Digest } from '../../common/digest.js';
import type { ContentStore } from '../content/content-store.js';
import type { SnapshotInfo, Snapshotter } from '../snapshot/snapshotter.js';
import { chainIds } from './chain-id.js';
import type { ImageRecord } from './image-store.js';

/** GcResult counts what a garbage collection removed. */
export interface GcResult {
  readonly blobs: number;
  readonly snapshots: number;
  readonly bytes: number;
}

/** GcInput is everything a collection looks at; the caller guarantees nothing changes meanwhile. */
export interface GcInput {
  readonly records: readonly ImageRecord[];
  /** leased tells whether a live lease holds a digest; asked again right before each removal. */
  readonly leased: (digest: Digest) => boolean;
  readonly content: ContentStore;
  readonly snapshots: Snapshotter;
}

/**
 * markRoots returns what the records reach: config, manifest and layer blobs, and the chain ID of every prefix of
 * every image's layers (the snapshot an image needs and all those below it).
 */
export function markRoots(records: readonly ImageRecord[]): { blobs: Set<Digest>; chains: Set<Digest> } {
  const blobs = new Set<Digest>();
  const chains = new Set<Digest>();
  for (const r of records) {
    blobs.add(r.id);
    if (r.manifestDigest !== undefined) blobs.add(r.manifestDigest);
    for (const l of r.layers) blobs.add(l.blob);
    for (const c of chainIds(r.layers.map((l) => l.diffId))) chains.add(c);
  }
  return { blobs, chains };
}

/** collectGarbage marks from the records and leases, then sweeps unreached blobs and snapshots (children first). */
export async function collectGarbage(input: GcInput): Promise<GcResult> {
  const { blobs: liveBlobs, chains: liveChains } = markRoots(input.records);
  let blobs = 0;
  let snapshots = 0;
  let bytes = 0;
  const allBlobs = [];
  for await (const info of input.content.list()) allBlobs.push(info);
  for (const info of allBlobs) {
    if (liveBlobs.has(info.digest) || input.leased(info.digest)) continue;
    await input.content.delete(info.digest);
    blobs++;
    bytes += info.size;
  }
  const allSnaps = await input.snapshots.list();
  const keep = keptWithParents(allSnaps, (c) => liveChains.has(c) || input.leased(c));
  for (const snap of childrenFirst(allSnaps)) {
    if (keep.has(snap.chainId) || input.leased(snap.chainId)) continue;
    await input.snapshots.remove(snap.chainId);
    snapshots++;
    bytes += snap.size;
  }
  return { blobs, snapshots, bytes };
}

/** keptWithParents closes the kept set over parents, so no kept snapshot loses a layer below it. */
function keptWithParents(snaps: readonly SnapshotInfo[], live: (chainId: Digest) => boolean): Set<Digest> {
  const byId = new Map(snaps.map((s) => [s.chainId, s]));
  const keep = new Set<Digest>();
  for (const s of snaps) {
    if (!live(s.chainId)) continue;
    for (let c: SnapshotInfo | undefined = s; c !== undefined && !keep.has(c.chainId); c = c.parent === undefined ? undefined : byId.get(c.parent)) {
      keep.add(c.chainId);
    }
  }
  return keep;
}

/** childrenFirst orders snapshots so every snapshot comes before its parent (deepest chains first). */
function childrenFirst(snaps: readonly SnapshotInfo[]): SnapshotInfo[] {
  const byId = new Map(snaps.map((s) => [s.chainId, s]));
  const depth = new Map<Digest, number>();
  const depthOf = (s: SnapshotInfo): number => {
    let d = 0;
    const seen = new Set<Digest>();
    for (let p = s.parent; p !== undefined && !seen.has(p); p = byId.get(p)?.parent) {
      seen.add(p);
      d++;
    }
    return d;
  };
  for (const s of snaps) depth.set(s.chainId, depthOf(s));
  return [...snaps].sort((a, b) => (depth.get(b.chainId) ?? 0) - (depth.get(a.chainId) ?? 0));
}
