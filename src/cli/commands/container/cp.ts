import { stat } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GO_MODE_DEVICE,
  GO_MODE_DIR,
  GO_MODE_IRREGULAR,
  GO_MODE_SYMLINK,
  containerArchiveGet,
  containerArchivePut,
  containerInspect,
  containerStatPath,
  hasModeBit,
  type PathStat,
} from '../../../client/containers-admin-api.js';
import type { EngineClient } from '../../../client/engine-client.js';
import { WharfError } from '../../../common/errors.js';
import type { CliIO, CommandSpec } from '../../command.js';
import { prepareArchiveCopy, rebaseArchiveEntries } from '../../container-copy/archive-copy.js';
import { getRebaseName, goClean, goDir, goJoin, goPathError, resolveLocalPath, splitCpArg, splitPathDirEntry, type CopyInfo } from '../../container-copy/cp-paths.js';
import { copyTo } from '../../container-copy/host-extract.js';
import { copyInfoSourcePath, tarResource } from '../../container-copy/host-source.js';
import { ByteCounter, COPY_FROM_HEADER, COPY_TO_HEADER, CopyProgress } from '../../container-copy/progress.js';

const FLAGS = [
  { name: 'archive', short: 'a', type: 'bool', usage: 'Archive mode (copy all uid/gid information)' },
  { name: 'follow-link', short: 'L', type: 'bool', usage: 'Always follow symbol link in SRC_PATH' },
  {
    name: 'quiet',
    short: 'q',
    type: 'bool',
    usage: 'Suppress progress output during copy. Progress output is automatically suppressed if no terminal is attached',
  },
] as const;

/** CopyConfig is docker's cpConfig: one direction's container, paths and flags. */
interface CopyConfig {
  readonly container: string;
  readonly srcPath: string;
  readonly dstPath: string;
  readonly followLink: boolean;
  readonly copyUidGid: boolean;
  readonly quiet: boolean;
}

function cpError(message: string, cause?: unknown): WharfError {
  return new WharfError('InvalidArgument', 'WHARF_CP_INVALID_COPY', message, { cause });
}

/** modeRefusal is docker's ValidateOutputPathFileMode: devices and irregular files are no copy destinations. */
function modeRefusal(mode: number): string | undefined {
  if (hasModeBit(mode, GO_MODE_DEVICE)) return 'got a device';
  if (hasModeBit(mode, GO_MODE_IRREGULAR)) return 'got an irregular file';
  return undefined;
}

/** validateOutputPath is docker's ValidateOutputPath for a local destination. */
async function validateOutputPath(p: string): Promise<void> {
  const dir = goDir(goClean(p));
  if (dir !== '' && dir !== '.') {
    try {
      await stat(dir);
    } catch (err) {
      if ((err as { code?: unknown }).code === 'ENOENT') throw cpError(`invalid output path: directory ${JSON.stringify(dir)} does not exist`, err);
    }
  }
  let st;
  try {
    st = await stat(p);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return;
    throw cpError(goPathError('stat', p, err), err);
  }
  if (st.isDirectory() || st.isFile()) return;
  if (st.isBlockDevice() || st.isCharacterDevice()) throw cpError(`invalid output path: ${JSON.stringify(p)} must be a directory or a regular file: got a device`);
}

/** linkTargetOf is where a container path's symbolic link points, relative links joined to the link's directory. */
function linkTargetOf(linkPath: string, st: PathStat): string {
  return st.linkTarget.startsWith('/') ? st.linkTarget : goJoin(splitPathDirEntry(linkPath)[0], st.linkTarget);
}

async function tryStat(client: EngineClient, container: string, p: string): Promise<PathStat | undefined> {
  try {
    return await containerStatPath(client, container, p);
  } catch {
    return undefined;
  }
}

/** copyFromContainer is docker's: GET the archive, then stream it to stdout (`-`) or extract it locally. */
async function copyFromContainer(client: EngineClient, c: CopyConfig, io: CliIO): Promise<void> {
  const dstPath = c.dstPath === '-' ? '-' : resolveLocalPath(c.dstPath);
  await validateOutputPath(dstPath);
  let srcPath = c.srcPath;
  let rebaseName = '';
  if (c.followLink) {
    const st = await tryStat(client, c.container, srcPath);
    if (st && hasModeBit(st.mode, GO_MODE_SYMLINK)) [srcPath, rebaseName] = getRebaseName(srcPath, linkTargetOf(srcPath, st));
  }
  const { stat: srcStat, content } = await containerArchiveGet(client, c.container, srcPath);
  if (dstPath === '-') {
    await pipeline(content, io.stdout as Writable, { end: false });
    return;
  }
  const srcInfo: CopyInfo = { path: srcPath, exists: true, isDir: hasModeBit(srcStat.mode, GO_MODE_DIR), rebaseName };
  const counter = new ByteCounter();
  let archive: Readable = c.quiet ? content : counted(content, counter);
  if (rebaseName !== '') archive = rebaseArchiveEntries(archive, splitPathDirEntry(srcInfo.path)[1], rebaseName);
  const progress = c.quiet ? undefined : new CopyProgress(io.stderr, isTerminal(io.stderr), COPY_FROM_HEADER, counter);
  try {
    await copyTo(archive, srcInfo, dstPath, io.stderr);
  } finally {
    content.destroy();
    progress?.done(dstPath);
  }
}

/** resolveContainerDestination stats the container destination, following one symbolic link as docker does. */
async function resolveContainerDestination(client: EngineClient, c: CopyConfig): Promise<CopyInfo> {
  let path = c.dstPath;
  let st = await tryStat(client, c.container, path);
  if (st && hasModeBit(st.mode, GO_MODE_SYMLINK)) {
    path = linkTargetOf(c.dstPath, st);
    st = await tryStat(client, c.container, path);
  }
  const refusal = st ? modeRefusal(st.mode) : undefined;
  if (refusal) throw cpError(`destination "${c.container}:${c.dstPath}" must be a directory or a regular file: ${refusal}`);
  return { path, exists: st !== undefined, isDir: st !== undefined && hasModeBit(st.mode, GO_MODE_DIR), rebaseName: '' };
}

/** copyToContainer is docker's: tar the local source (or take a tar from stdin) and PUT it into the container. */
async function copyToContainer(client: EngineClient, c: CopyConfig, io: CliIO): Promise<void> {
  const srcPath = c.srcPath === '-' ? '-' : resolveLocalPath(c.srcPath);
  const dstInfo = await resolveContainerDestination(client, c);
  let content: Readable;
  let dstDir: string;
  const counter = new ByteCounter();
  if (srcPath === '-') {
    if (!dstInfo.isDir) throw cpError(`destination "${c.container}:${c.dstPath}" must be a directory`);
    content = io.stdin;
    dstDir = dstInfo.path;
  } else {
    const srcInfo = await copyInfoSourcePath(srcPath, c.followLink);
    const archive = tarResource(srcInfo);
    let prepared;
    try {
      prepared = prepareArchiveCopy(archive, srcInfo, dstInfo);
    } catch (err) {
      archive.destroy();
      throw err;
    }
    dstDir = prepared.dstDir;
    content = c.quiet ? prepared.content : counted(prepared.content, counter);
  }
  const progress = c.quiet || srcPath === '-' ? undefined : new CopyProgress(io.stderr, isTerminal(io.stderr), COPY_TO_HEADER, counter);
  try {
    await containerArchivePut(client, c.container, dstDir, content, { copyUIDGID: c.copyUidGid });
  } catch (err) {
    throw await earlyRefusal(client, c.container, err);
  } finally {
    progress?.done(`${c.container}:${dstInfo.path}`);
  }
}

/**
 * earlyRefusal: a daemon that refuses the upload at once (no such container) closes the connection while the
 * archive is still being sent, and the client only sees EPIPE. Ask about the container to report the daemon's
 * own answer instead; any other failure is returned as it was.
 */
async function earlyRefusal(client: EngineClient, container: string, err: unknown): Promise<unknown> {
  const cause = (err as { cause?: { code?: unknown } }).cause;
  if (!(err instanceof WharfError) || err.code !== 'WHARF_DAEMON_UNAVAILABLE' || (cause?.code !== 'EPIPE' && cause?.code !== 'ECONNRESET')) return err;
  try {
    await containerInspect(client, container);
  } catch (inspectErr) {
    return inspectErr;
  }
  return err;
}

/** counted pipes src through the byte counter, passing an error of src on. */
function counted(src: Readable, counter: ByteCounter): ByteCounter {
  src.once('error', (err) => counter.destroy(err));
  return src.pipe(counter);
}

function isTerminal(w: Writable): boolean {
  return (w as { isTTY?: unknown }).isTTY === true;
}

/** command is `wharf cp` (`wharf container cp`): copy files and directories between a container and the local host. */
export const command: CommandSpec<typeof FLAGS> = {
  usage: `[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-
	wharf cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH`,
  args: { min: 2, max: 2 },
  flags: FLAGS,
  async run(ctx) {
    const [source = '', destination = ''] = ctx.args;
    if (source === '') throw cpError('source can not be empty');
    if (destination === '') throw cpError('destination can not be empty');
    // compat: progress (and the summary line) only when stdout is a terminal, unless -q is given either way.
    const quiet = ctx.changed.has('quiet') ? ctx.flags.quiet : !ctx.io.stdoutIsTTY;
    const src = splitCpArg(source);
    const dst = splitCpArg(destination);
    if (src.container !== '' && dst.container !== '') throw cpError('copying between containers is not supported');
    if (src.container === '' && dst.container === '') throw cpError('must specify at least one container source');
    const config: CopyConfig = {
      container: src.container || dst.container,
      srcPath: src.path,
      dstPath: dst.path,
      followLink: ctx.flags['follow-link'],
      copyUidGid: ctx.flags.archive,
      quiet,
    };
    const client = ctx.client();
    if (src.container !== '') await copyFromContainer(client, config, ctx.io);
    else await copyToContainer(client, config, ctx.io);
  },
};
