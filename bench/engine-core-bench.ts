// Engine-core benchmarks: CLI start-up, `images` with 500 images, daemon memory. wharf is measured beside the same
// request made by the real docker CLI against wharfd, and beside `node -e 0` (the floor of any Node CLI).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import tarStream from 'tar-stream';
import type { BenchRow } from './bench-row.js';
import { medianMs, round, rssMb } from './measure.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WHARFD = path.join(ROOT, 'dist', 'src', 'daemon', 'main.js');
const WHARF = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

function post(socket: string, urlPath: string, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: socket, method: 'POST', path: urlPath, headers: { 'Content-Type': 'application/x-tar' } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${urlPath}: HTTP ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function tinyLayer(i: number): Promise<Buffer> {
  const pack = tarStream.pack();
  pack.entry({ name: `file-${i}.txt`, mtime: new Date(0) }, `image ${i}\n`);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function waitForSocket(socket: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (fs.existsSync(socket)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('wharfd did not start');
}

/** runEngineCoreBench starts a private wharfd and returns the engine-core rows. */
export async function runEngineCoreBench(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-'));
  const socket = path.join(dir, 'wharf.sock');
  const host = `unix://${socket}`;
  const daemon = spawn(process.execPath, [WHARFD, '--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'), '-H', host, '--log-level', 'warn'], { stdio: 'ignore' });
  try {
    await waitForSocket(socket);
    await new Promise((r) => setTimeout(r, 1000));
    const idleRss = rssMb(daemon.pid as number);
    const env = { WHARF_HOST: host, WHARF_NO_AUTOSTART: '1', DOCKER_CONFIG: path.join(dir, 'docker-config') };
    const nodeFloor = medianMs(process.execPath, ['-e', '0']);
    const wharfVersion = medianMs(process.execPath, [WHARF, 'version'], { env });
    const dockerVersion = medianMs('docker', ['-H', host, 'version'], { env });
    for (let i = 0; i < 500; i++) await post(socket, `/images/create?fromSrc=-&repo=bench/img${i}&tag=v1`, await tinyLayer(i));
    const wharfImages = medianMs(process.execPath, [WHARF, 'images'], { env, runs: 10 });
    const dockerImages = medianMs('docker', ['-H', host, 'images'], { env, runs: 10 });
    const loadedRss = rssMb(daemon.pid as number);
    return [
      { name: '`wharf version` (vs `node -e 0`)', wharf: round(wharfVersion), reference: { name: 'node -e 0', value: round(nodeFloor) }, unit: 'ms', ratio: round(nodeFloor / wharfVersion), goal: 'within 25 ms of node -e 0' },
      { name: '`version`: wharf CLI vs docker CLI, both against wharfd', wharf: round(wharfVersion), reference: { name: 'docker -H wharfd version', value: round(dockerVersion) }, unit: 'ms', ratio: round(dockerVersion / wharfVersion), goal: 'information' },
      { name: '`images` with 500 images: wharf CLI vs docker CLI against wharfd', wharf: round(wharfImages), reference: { name: 'docker -H wharfd images', value: round(dockerImages) }, unit: 'ms', ratio: round(dockerImages / wharfImages), goal: 'information' },
      { name: 'wharfd resident memory, idle', wharf: round(idleRss), unit: 'MB', goal: 'under 80 MB' },
      { name: 'wharfd resident memory, 500 images', wharf: round(loadedRss), unit: 'MB', goal: 'information' },
    ];
  } finally {
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
    spawnSync('rm', ['-rf', dir]);
  }
}
