// Container benchmarks (the containers issue's list): wharf CLI and the real docker CLI, both against wharfd, beside
// the raw floor (`runc run` of a prepared bundle on an overlay root) and, where a Docker engine runs on this machine
// (DOCKER_BENCH_HOST=unix:///var/run/docker.sock), docker against dockerd. Every row is measured in the same run.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-row.js';
import { medianMs, round, rssMb } from './measure.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const WHARFD = path.join(ROOT, 'dist', 'src', 'daemon', 'main.js');
const WHARF = path.join(ROOT, 'dist', 'src', 'cli', 'main.js');

function sh(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 1 << 30 });
}

/** runcFloorMs times `runc run` of a busybox bundle whose root is an overlay mount: the floor any engine pays. */
function runcFloorMs(dir: string): number {
  const bundle = path.join(dir, 'runc-bundle');
  const [lower, upper, work, rootfs] = ['lower', 'upper', 'work', 'rootfs'].map((d) => path.join(bundle, d)) as [string, string, string, string];
  for (const d of [path.join(lower, 'bin'), upper, work, rootfs]) fs.mkdirSync(d, { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(lower, 'bin', 'busybox'));
  fs.symlinkSync('busybox', path.join(lower, 'bin', 'true'));
  sh('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, rootfs]);
  try {
    sh('runc', ['spec', '--bundle', bundle]);
    const specFile = path.join(bundle, 'config.json');
    const spec = JSON.parse(fs.readFileSync(specFile, 'utf8')) as { process: { args: string[]; terminal: boolean }; root: { path: string } };
    spec.process.args = ['/bin/true'];
    spec.process.terminal = false;
    spec.root.path = rootfs;
    fs.writeFileSync(specFile, JSON.stringify(spec));
    // `runc run` deletes its container when the process exits, so one ID serves every run.
    return medianMs('runc', ['--root', path.join(dir, 'runc-root'), 'run', '--bundle', bundle, `wharf-bench-floor-${process.pid}`], { runs: 15 });
  } finally {
    spawnSync('umount', [rootfs]);
  }
}

async function waitForSocket(socket: string): Promise<void> {
  for (let i = 0; i < 300 && !fs.existsSync(socket); i++) await new Promise((r) => setTimeout(r, 50));
}

/** runContainersBench starts a private wharfd and returns the container rows. */
export async function runContainersBench(): Promise<BenchRow[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-cbench-'));
  const socket = path.join(dir, 'wharf.sock');
  const host = `unix://${socket}`;
  const daemon = spawn(process.execPath, [WHARFD, '--data-root', path.join(dir, 'data'), '--exec-root', path.join(dir, 'exec'), '-H', host, '--log-level', 'warn'], { stdio: 'ignore' });
  const env = { WHARF_HOST: host, WHARF_NO_AUTOSTART: '1', DOCKER_CONFIG: path.join(dir, 'docker-config') };
  const wharf = (...args: string[]): string => sh(process.execPath, [WHARF, ...args], env);
  try {
    await waitForSocket(socket);
    wharf('image', 'bootstrap', 'busybox');
    const floor = runcFloorMs(dir);
    const wharfRun = medianMs(process.execPath, [WHARF, 'run', '--rm', 'busybox', 'true'], { env, runs: 10 });
    const dockerRun = medianMs('docker', ['-H', host, 'run', '--rm', 'busybox', 'true'], { env, runs: 10 });
    const lifecycle = medianMs('sh', ['-c', `id=$(node ${WHARF} run -d busybox sleep 60) && node ${WHARF} stop -t 0 $id >/dev/null && node ${WHARF} rm $id >/dev/null`], { env, runs: 5 });
    const web = wharf('run', '-d', 'busybox', 'sleep', '600').trim();
    const execMs = medianMs(process.execPath, [WHARF, 'exec', web, 'true'], { env, runs: 10 });
    const dockerExecMs = medianMs('docker', ['-H', host, 'exec', web, 'true'], { env, runs: 10 });
    const start20 = process.hrtime.bigint();
    await Promise.all(Array.from({ length: 20 }, () => new Promise((r) => spawn(process.execPath, [WHARF, 'run', '-d', 'busybox', 'sleep', '600'], { env: { ...process.env, ...env }, stdio: 'ignore' }).on('exit', r))));
    const concurrent20 = Number(process.hrtime.bigint() - start20) / 1e6;
    const rss21 = rssMb(daemon.pid as number);
    for (let i = 0; i < 79; i++) wharf('create', 'busybox', 'true');
    const ps100 = medianMs(process.execPath, [WHARF, 'ps', '-a'], { env, runs: 10 });
    const dockerPs100 = medianMs('docker', ['-H', host, 'ps', '-a'], { env, runs: 10 });
    const logger = wharf('run', '-d', 'busybox', 'sh', '-c', 'head -c 100000000 /dev/zero | tr "\\0" "x" | fold -w 100').trim();
    wharf('wait', logger);
    const logStart = process.hrtime.bigint();
    const bytes = execFileSync(process.execPath, [WHARF, 'logs', logger], { env: { ...process.env, ...env }, maxBuffer: 1 << 30 }).length;
    const logsMbps = bytes / 1e6 / (Number(process.hrtime.bigint() - logStart) / 1e9);
    return [
      { name: '`run --rm busybox true`: wharf CLI vs raw `runc run` floor', wharf: round(wharfRun), reference: { name: 'runc run (overlay root)', value: round(floor) }, unit: 'ms', ratio: round(floor / wharfRun), goal: 'information (docker: ~350 ms here)' },
      { name: '`run --rm busybox true`: wharf CLI vs docker CLI, both against wharfd', wharf: round(wharfRun), reference: { name: 'docker -H wharfd run', value: round(dockerRun) }, unit: 'ms', ratio: round(dockerRun / wharfRun), goal: 'information' },
      { name: '`run -d` + `stop -t 0` + `rm` (wharf CLI)', wharf: round(lifecycle), unit: 'ms', goal: 'information' },
      { name: '`exec true`: wharf CLI vs docker CLI against wharfd', wharf: round(execMs), reference: { name: 'docker -H wharfd exec', value: round(dockerExecMs) }, unit: 'ms', ratio: round(dockerExecMs / execMs), goal: 'at most half of docker (68 ms)' },
      { name: '20 concurrent `run -d` (wall time)', wharf: round(concurrent20), unit: 'ms', goal: 'information' },
      { name: '`ps -a` with 100 containers: wharf CLI vs docker CLI against wharfd', wharf: round(ps100), reference: { name: 'docker -H wharfd ps -a', value: round(dockerPs100) }, unit: 'ms', ratio: round(dockerPs100 / ps100), goal: 'information' },
      { name: 'wharfd resident memory with 21 running containers', wharf: round(rss21), unit: 'MB', goal: 'under 1 MB per container beyond conmon' },
      { name: '`logs` read throughput (100 MB)', wharf: round(logsMbps), reference: { name: 'docker 20.10 here', value: 11 }, unit: 'MB/s', ratio: round(logsMbps / 11), goal: 'at least 10x docker' },
    ];
  } finally {
    spawnSync(process.execPath, [WHARF, 'rm', '-f', ...sh(process.execPath, [WHARF, 'ps', '-a', '-q'], env).split('\n').filter(Boolean)], { env: { ...process.env, ...env } });
    daemon.kill('SIGTERM');
    await new Promise((r) => daemon.once('exit', r));
    spawnSync('rm', ['-rf', dir]);
  }
}
