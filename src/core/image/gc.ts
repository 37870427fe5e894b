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

/**
 * sweepBlobs removes every blob that no record and no live lease reaches. The caller guarantees no record changes
 * and no blob of unknown digest is being ingested meanwhile.
 */
export async function sweepBlobs(input: GcInput): Promise<{ count: number; bytes: number }> {
  const { blobs: live } = markRoots(input.records);
  const all = [];
  for await (const info of input.content.list()) all.push(info);
  let count = 0;
  let bytes = 0;
  for (const info of all) {
    if (live.has(info.digest) || input.leased(info.digest)) continue;
    await input.content.delete(info.digest);
    count++;
    bytes += info.size;
  }
  return { count, bytes };
}

/**
 * sweepSnapshots removes every snapshot that no record and no live lease reaches, children before parents, never
 * the parent of a snapshot it keeps. Chain IDs are always leased before a snapshot is created, so this needs no
 * more than a stable set of records.
 */
export async function sweepSnapshots(input: GcInput): Promise<{ count: number; bytes: number }> {
  const { chains: live } = markRoots(input.records);
  const all = await input.snapshots.list();
  const keep = keptWithParents(all, (c) => live.has(c) || input.leased(c));
  let count = 0;
  let bytes = 0;
  for (const snap of childrenFirst(all)) {
    if (keep.has(snap.chainId) || input.leased(snap.chainId)) continue;
    await input.snapshots.remove(snap.chainId);
    count++;
    bytes += snap.size;
  }
  return { count, bytes };
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
