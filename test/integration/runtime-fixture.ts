import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { ConmonRuntime } from '../../src/os/conmon/conmon-runtime.js';
import { LinuxMounter } from '../../src/os/mount/linux-mounter.js';
import type { CreateOptions } from '../../src/core/runtime/container-runtime.js';

// Applets the tests' shell scripts call, linked to busybox like busybox-static's own install does.
const APPLETS = ['sh', 'cat', 'sleep', 'stty', 'tty', 'head', 'dd', 'yes', 'true', 'false', 'ls', 'echo', 'wc', 'kill'];

/** Env is one test's private runtime: an exec root, a rootfs layer with busybox, and cleanup of all of it. */
export interface Env {
  readonly dir: string;
  readonly runtime: ConmonRuntime;
  readonly mounter: LinuxMounter;
  /** A read-only layer holding /bin/busybox and applet links (a lower dir for overlay roots). */
  readonly layer: string;
  /** newId returns a fresh container ID that cleanup will delete. */
  newId(prefix?: string): string;
}

/**
 * runtimeEnv builds a private exec root under the test's temp dir and registers cleanup with `t.after`: every
 * container it handed out is force-deleted in runc, its rootfs unmounted, its monitor killed by pid if still alive,
 * and the directory removed.
 */
export async function runtimeEnv(t: TestContext): Promise<Env> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-rt-'));
  const layer = path.join(dir, 'layer');
  fs.mkdirSync(path.join(layer, 'bin'), { recursive: true });
  fs.copyFileSync('/bin/busybox', path.join(layer, 'bin', 'busybox'));
  fs.chmodSync(path.join(layer, 'bin', 'busybox'), 0o755);
  for (const a of APPLETS) fs.symlinkSync('busybox', path.join(layer, 'bin', a));
  for (const d of ['proc', 'dev', 'sys', 'tmp', 'etc']) fs.mkdirSync(path.join(layer, d));
  const runtime = await ConmonRuntime.open({ execRoot: path.join(dir, 'exec') });
  const mounter = new LinuxMounter();
  const ids: string[] = [];
  t.after(async () => {
    for (const id of ids) {
      await runtime.delete(id, { force: true }).catch(() => undefined);
      await mounter.unmount(path.join(runtime.bundleDir(id), 'rootfs'), { lazy: true }).catch(() => undefined);
      killByPidFile(path.join(runtime.bundleDir(id), 'conmon.pid'));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir, runtime, mounter, layer,
    newId: (prefix = 'c') => {
      const id = `${prefix}-${randomBytes(6).toString('hex')}`;
      ids.push(id);
      return id;
    },
  };
}

function killByPidFile(file: string): void {
  try {
    const pid = Number(fs.readFileSync(file, 'utf8').trim());
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.includes('(conmon)') && !/\) Z /.test(stat)) process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

/** baseSpec is `runc spec`'s default config.json for a bundle, as runc 1.1 generates it. */
export function baseSpec(): Record<string, unknown> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-spec-'));
  try {
    execFileSync('runc', ['spec', '--bundle', tmp]);
    return JSON.parse(fs.readFileSync(path.join(tmp, 'config.json'), 'utf8')) as Record<string, unknown>;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** ContainerSetup says how makeContainer prepares and creates a container. */
export interface ContainerSetup extends Partial<CreateOptions> {
  readonly args: string[];
  /** Root as an overlay of the busybox layer plus an upper dir (true), or the layer itself read-only (false). */
  readonly overlay?: boolean;
  /** Memory limit in bytes (linux.resources.memory). */
  readonly memory?: number;
  readonly log?: boolean;
}

/** makeContainer prepares the bundle (config.json from runc spec, root filesystem) and creates the container. */
export async function makeContainer(env: Env, id: string, setup: ContainerSetup): Promise<{ pid: number; logPath: string }> {
  const spec = baseSpec();
  const proc = spec.process as Record<string, unknown>;
  proc.args = setup.args;
  proc.terminal = setup.tty === true;
  proc.env = ['PATH=/bin', 'TERM=xterm'];
  const linux = spec.linux as Record<string, Record<string, unknown>>;
  if (setup.memory !== undefined && linux.resources !== undefined) {
    linux.resources.memory = { limit: setup.memory, swap: setup.memory };
  }
  const bundle = await env.runtime.prepareBundle(id, spec);
  const rootfs = path.join(bundle, 'rootfs');
  if (setup.overlay === true) {
    const upper = path.join(env.dir, `${id}-upper`);
    const work = path.join(env.dir, `${id}-work`);
    fs.mkdirSync(upper);
    fs.mkdirSync(work);
    await env.mounter.mount([{ type: 'overlay', source: 'overlay', options: [`lowerdir=${env.layer}`, `upperdir=${upper}`, `workdir=${work}`] }], rootfs);
    (spec.root as Record<string, unknown>).readonly = false;
    await env.runtime.prepareBundle(id, spec);
  } else {
    await env.mounter.mount([{ type: 'bind', source: env.layer, options: ['rbind', 'ro'] }], rootfs);
  }
  const logPath = path.join(env.dir, `${id}.log`);
  const created = await env.runtime.create(id, {
    tty: setup.tty ?? false,
    openStdin: setup.openStdin ?? false,
    stdinOnce: setup.stdinOnce ?? false,
    logPath: setup.log === false ? undefined : logPath,
    logMaxSize: setup.logMaxSize,
  });
  return { pid: created.pid, logPath };
}

/** waitFor polls `cond` until it holds or `ms` pass. */
export async function waitFor(cond: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
