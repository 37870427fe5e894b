import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import type { ContainerFlagValues } from './flag-values.js';
import { goFileError } from './kv-file.js';
import { OptionsError } from './option-errors.js';

// The HostConfig pieces of docker's parse that have their own grammar and are loaded only when their flags are
// used: security options (seccomp profiles are read on the client), storage options, devices and the health check.

function seccompProfile(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new OptionsError(`opening seccomp profile (${file}) failed: ${goFileError(file, err)}`, { cause: err });
  }
  try {
    return `seccomp=${JSON.stringify(JSON.parse(text))}`;
  } catch (err) {
    throw new OptionsError(`compacting json for seccomp profile (${file}) failed: ${(err as Error).message}`, { cause: err });
  }
}

function cutOption(opt: string): [string, string, boolean] {
  let sep = opt.indexOf('=');
  if (sep < 0 && opt !== 'no-new-privileges') sep = opt.indexOf(':');
  return sep < 0 ? [opt, '', false] : [opt.slice(0, sep), opt.slice(sep + 1), true];
}

/**
 * securityOpts is docker's parseSecurityOpts + parseSystemPaths: options are checked, a seccomp profile file is
 * read and sent inline, and `systempaths=unconfined` becomes empty MaskedPaths/ReadonlyPaths.
 */
export function securityOpts(values: readonly string[]): { opts: string[]; maskedPaths: string[] | null; readonlyPaths: string[] | null } {
  const opts: string[] = [];
  let maskedPaths: string[] | null = null;
  let readonlyPaths: string[] | null = null;
  for (const opt of values) {
    const [k, v, ok] = cutOption(opt);
    if ((!ok || v === '') && k !== 'no-new-privileges') throw new OptionsError(`Invalid --security-opt: ${JSON.stringify(opt)}`);
    if (opt === 'systempaths=unconfined') {
      maskedPaths = [];
      readonlyPaths = [];
      continue;
    }
    opts.push(k === 'seccomp' && v !== 'builtin' && v !== 'unconfined' ? seccompProfile(v) : opt);
  }
  return { opts, maskedPaths, readonlyPaths };
}

/** storageOpts is docker's parseStorageOpts: `k=v` pairs. */
export function storageOpts(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const o of values) {
    const eq = o.indexOf('=');
    if (eq < 0) throw new OptionsError('invalid storage option');
    out[o.slice(0, eq)] = o.slice(eq + 1);
  }
  return out;
}

/** goClean is Go's path.Clean: normalised, without a trailing slash except for the root. */
function goClean(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

const isDeviceMode = (mode: string): boolean => mode !== '' && [...mode].every((c, i, all) => 'rwm'.includes(c) && all.indexOf(c) === i);
const CDI_NAME = /^[a-zA-Z0-9][a-zA-Z0-9.-]*\/[a-zA-Z0-9][a-zA-Z0-9._-]*=[a-zA-Z0-9][a-zA-Z0-9._:-]*$/;

/** DeviceMapping is one HostConfig.Devices entry. */
export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

/** validateDevicePath is docker's validateLinuxPath for --device: `[host:]container[:mode]` with an absolute container path. */
function validateDevicePath(val: string): string {
  if ((val.match(/:/g) ?? []).length > 2) throw new OptionsError(`bad format for path: ${val}`);
  const split = val.split(':');
  if (split[0] === '') throw new OptionsError(`bad format for path: ${val}`);
  let containerPath: string;
  let out: string;
  if (split.length === 1) {
    containerPath = split[0] ?? '';
    out = goClean(containerPath);
  } else if (split.length === 2) {
    const [a = '', b = ''] = split;
    containerPath = isDeviceMode(b) ? a : b;
    out = isDeviceMode(b) ? `${goClean(a)}:${b}` : `${a}:${goClean(b)}`;
  } else {
    const [, b = '', mode = ''] = split;
    containerPath = b;
    if (!isDeviceMode(mode)) throw new OptionsError(`bad mode specified: ${mode}`);
    out = val;
  }
  if (!containerPath.startsWith('/')) throw new OptionsError(`${containerPath} is not an absolute path`);
  return out;
}

function deviceMapping(device: string): DeviceMapping {
  const arr = device.split(':');
  let perms = 'rwm';
  let dst = '';
  if (arr.length === 3) perms = arr[2] ?? perms;
  if (arr.length >= 2) {
    if (isDeviceMode(arr[1] ?? '')) perms = arr[1] ?? perms;
    else dst = arr[1] ?? '';
  }
  const src = arr[0] ?? '';
  return { PathOnHost: src, PathInContainer: dst || src, CgroupPermissions: perms };
}

/** devicePlan is docker's --device handling: host devices as mappings, CDI names as a `cdi` device request. */
export function devicePlan(values: readonly string[]): { mappings: DeviceMapping[]; requests: { Driver: string; DeviceIDs: string[] }[] | null } {
  const mappings: DeviceMapping[] = [];
  const cdi: string[] = [];
  for (const device of values) {
    if (CDI_NAME.test(device)) cdi.push(device);
    else mappings.push(deviceMapping(validateDevicePath(device)));
  }
  return { mappings, requests: cdi.length > 0 ? [{ Driver: 'cdi', DeviceIDs: cdi }] : null };
}

/** healthConfig is docker's health-check part of parse: --no-healthcheck, --health-* (durations in nanoseconds). */
export function healthConfig(f: ContainerFlagValues, d: { interval: number; timeout: number; startPeriod: number; startInterval: number }): Record<string, unknown> | undefined {
  const retries = f['health-retries'];
  const have = f['health-cmd'] !== '' || d.interval !== 0 || d.timeout !== 0 || d.startPeriod !== 0 || retries !== 0 || d.startInterval !== 0;
  if (f['no-healthcheck']) {
    if (have) throw new OptionsError('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!have) return undefined;
  const negative: [number, string][] = [[d.interval, 'interval'], [d.timeout, 'timeout'], [retries, 'retries'], [d.startPeriod, 'start-period'], [d.startInterval, 'start-interval']];
  for (const [value, name] of negative) if (value < 0) throw new OptionsError(`--health-${name} cannot be negative`);
  const h: Record<string, unknown> = {};
  if (f['health-cmd'] !== '') h.Test = ['CMD-SHELL', f['health-cmd']];
  const fields: [string, number][] = [['Interval', d.interval], ['Timeout', d.timeout], ['StartPeriod', d.startPeriod], ['StartInterval', d.startInterval], ['Retries', retries]];
  for (const [k, v] of fields) if (v !== 0) h[k] = v;
  return h;
}
