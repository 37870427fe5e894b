// Layer unpack benchmark: wharf's unpacker (worker thread, real addon) against GNU tar extracting the same ~200 MB
// uncompressed tar (20,000 files of 1-8 KB plus three files of 30-45 MB) into an empty directory. Best of 3 each,
// interleaved. Also reports the main thread's worst event-loop delay while wharf unpacks (median over the runs).
//
// The tar is generated straight into a file (no tree on disk) and every extracted tree is kept until the end:
// ext4 without a journal scans "recently deleted" inodes when allocating new ones, so deleting 20,000 files just
// before a run can slow that run ten-fold, whichever extractor it is.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { pack } from 'tar-stream';
import { unpackLayer } from '../src/core/archive/unpack.js';
import { specialFileOps } from '../src/os/native/native.js';
import type { BenchRow } from './bench-row.js';
import { round } from './measure.js';

const SMALL_FILES = 20_000;
const LARGE_FILES_MB = [30, 40, 45];
const RUNS = 3;

/** prng is a small deterministic generator (mulberry32), so every run benchmarks the same bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** writeBenchTar writes the benchmark tar to `file` and returns its size in bytes. */
async function writeBenchTar(file: string): Promise<number> {
  const rand = prng(42);
  const noise = Buffer.alloc(1 << 20);
  for (let i = 0; i < noise.length; i++) noise[i] = Math.floor(rand() * 256);
  const p = pack();
  const written = pipeline(p, fs.createWriteStream(file));
  const add = (name: string, data: Buffer | undefined, mode: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const header = { name, mode, mtime: new Date(1_700_000_000_000), uid: 0, gid: 0, type: data ? 'file' : 'directory' } as const;
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (data === undefined) p.entry(header, cb).end(null);
      else p.entry(header, data, cb);
    });
  for (let d = 0; d < 200; d++) await add(`usr/share/d${d}/`, undefined, 0o755);
  for (let i = 0; i < SMALL_FILES; i++) {
    const size = 1024 + Math.floor(rand() * 7 * 1024);
    const start = Math.floor(rand() * (noise.length - size));
    await add(`usr/share/d${i % 200}/file-${i}.txt`, noise.subarray(start, start + size), 0o644);
  }
  for (const [i, mb] of LARGE_FILES_MB.entries()) {
    const big = Buffer.allocUnsafe(mb << 20);
    for (let off = 0; off < big.length; off += noise.length) noise.copy(big, off, (off >> 20) % 1024);
    await add(`opt/blob-${i}.bin`, big, 0o644);
  }
  p.finalize();
  await written;
  return fs.statSync(file).size;
}

function timeGnuTar(tarFile: string, into: string): number {
  fs.mkdirSync(into);
  const start = process.hrtime.bigint();
  const r = spawnSync('tar', ['-xf', tarFile, '-C', into], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) throw new Error(`tar -xf failed: ${r.stderr.toString().slice(0, 500)}`);
  return ms;
}

async function timeWharf(tarFile: string, into: string): Promise<{ ms: number; maxDelayMs: number }> {
  fs.mkdirSync(into);
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  const start = process.hrtime.bigint();
  await unpackLayer(fs.createReadStream(tarFile, { highWaterMark: 1 << 20 }), into, { ops: specialFileOps });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  delay.disable();
  return { ms, maxDelayMs: delay.max / 1e6 };
}

/** runUnpackBench generates the benchmark tar, times GNU tar and wharf (best of 3, interleaved) and cleans up. */
export async function runUnpackBench(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-unpack-bench-'));
  try {
    const tarFile = path.join(dir, 'layer.tar');
    const bytes = await writeBenchTar(tarFile);
    const tarMs: number[] = [];
    const wharfMs: number[] = [];
    const maxDelays: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      tarMs.push(timeGnuTar(tarFile, path.join(dir, `tar-${run}`)));
      const w = await timeWharf(tarFile, path.join(dir, `wharf-${run}`));
      wharfMs.push(w.ms);
      maxDelays.push(w.maxDelayMs);
    }
    const mbps = (ms: number): number => bytes / 1e6 / (ms / 1000);
    const tarBest = mbps(Math.min(...tarMs));
    const wharfBest = mbps(Math.min(...wharfMs));
    const mb = Math.round(bytes / 1e6);
    return [
      {
        name: `layer unpack (${mb} MB tar: ${SMALL_FILES} small + ${LARGE_FILES_MB.length} large files)`,
        wharf: round(wharfBest),
        reference: { name: 'GNU tar -xf', value: round(tarBest) },
        unit: 'MB/s',
        ratio: round(wharfBest / tarBest),
        goal: '>= 0.7',
      },
      {
        name: 'main-thread event-loop max delay during that unpack (median of runs)',
        wharf: round(maxDelays.sort((a, b) => a - b)[Math.floor(maxDelays.length / 2)] ?? 0),
        unit: 'ms',
        goal: '< 50',
      },
    ];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const row of await runUnpackBench()) console.log(JSON.stringify(row));
}
