import type { components } from '../../api/types.gen.js';
import { compareApiVersions } from '../../api/version.js';
import { JsonChecker } from '../../core/image/json-check.js';
import type { TerminalSize } from '../../core/runtime/container-runtime.js';
import type { ExecCreateRequest, ExecDetails, ExecStartRequest } from '../../services/containers/exec.js';

type ProcessConfig = components['schemas']['ProcessConfig'];

/** ExecInspectJson is `GET /exec/{id}/json`'s body (moby ExecInspectResponse; ExitCode is null while running). */
export interface ExecInspectJson {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig: ProcessConfig;
  OpenStdin: boolean;
  OpenStderr: boolean;
  OpenStdout: boolean;
  CanRemove: boolean;
  ContainerID: string;
  DetachKeys: string;
  Pid: number;
}

const check = (what: string): JsonChecker => new JsonChecker('WHARF_INVALID_JSON', what);

const MAX_ARGS = 100_000;

/**
 * readConsoleSize reads ConsoleSize ([height, width], API >= 1.42; older clients' values are ignored as dockerd
 * does). [0, 0] means none.
 */
function readConsoleSize(c: JsonChecker, v: unknown, apiVersion: string): TerminalSize | undefined {
  if (v === undefined || v === null || compareApiVersions(apiVersion, '1.42') < 0) return undefined;
  const arr = c.array(v, 'ConsoleSize', 2);
  if (arr.length !== 2) c.fail('ConsoleSize', 'expected [height, width]');
  const height = c.nonNegativeInt(arr[0], 'ConsoleSize[0]');
  const width = c.nonNegativeInt(arr[1], 'ConsoleSize[1]');
  if (height > 0xffffffff || width > 0xffffffff) c.fail('ConsoleSize', 'out of range');
  return height === 0 && width === 0 ? undefined : { height, width };
}

/** readExecCreateBody validates `POST /containers/{id}/exec`'s JSON body into an ExecCreateRequest. */
export function readExecCreateBody(body: unknown, apiVersion: string): ExecCreateRequest {
  const c = check('exec config');
  const o = c.optObject(body, '') ?? {};
  const consoleSize = readConsoleSize(c, o.ConsoleSize, apiVersion);
  return {
    cmd: c.optStringArray(o.Cmd, 'Cmd', MAX_ARGS) ?? [],
    attachStdin: c.optBoolean(o.AttachStdin, 'AttachStdin') ?? false,
    attachStdout: c.optBoolean(o.AttachStdout, 'AttachStdout') ?? false,
    attachStderr: c.optBoolean(o.AttachStderr, 'AttachStderr') ?? false,
    tty: c.optBoolean(o.Tty, 'Tty') ?? false,
    env: c.optStringArray(o.Env, 'Env', MAX_ARGS) ?? [],
    workingDir: c.optString(o.WorkingDir, 'WorkingDir', 4096) ?? '',
    user: c.optString(o.User, 'User', 1024) ?? '',
    privileged: c.optBoolean(o.Privileged, 'Privileged') ?? false,
    detachKeys: c.optString(o.DetachKeys, 'DetachKeys', 1024) ?? '',
    ...(consoleSize ? { consoleSize } : {}),
  };
}

/**
 * readExecStartBody validates `POST /exec/{id}/start`'s JSON body. compat: a ConsoleSize without Tty is dropped,
 * as dockerd drops it ("no console without tty").
 */
export function readExecStartBody(body: unknown, apiVersion: string): ExecStartRequest & { readonly tty: boolean } {
  const c = check('exec start config');
  const o = c.optObject(body, '') ?? {};
  const tty = c.optBoolean(o.Tty, 'Tty') ?? false;
  const consoleSize = readConsoleSize(c, o.ConsoleSize, apiVersion);
  return { detach: c.optBoolean(o.Detach, 'Detach') ?? false, tty, ...(consoleSize && tty ? { consoleSize } : {}) };
}

/** toExecInspect renders an exec in moby's ExecInspectResponse shape (DetachKeys as Go encodes []byte: base64). */
export function toExecInspect(d: ExecDetails): ExecInspectJson {
  const [entrypoint = '', ...args] = d.argv;
  return {
    ID: d.id,
    Running: d.running,
    ExitCode: d.exitCode ?? null,
    ProcessConfig: {
      tty: d.tty,
      entrypoint,
      arguments: args,
      privileged: d.privileged,
      ...(d.user !== '' ? { user: d.user } : {}),
    },
    OpenStdin: d.openStdin,
    OpenStderr: d.openStderr,
    OpenStdout: d.openStdout,
    CanRemove: d.canRemove,
    ContainerID: d.containerId,
    DetachKeys: Buffer.from(d.detachKeys).toString('base64'),
    Pid: d.pid,
  };
}
