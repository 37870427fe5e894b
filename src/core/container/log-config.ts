import type { LogSpec } from './container-spec.js';
import { invalidConfig, notImplemented, type WireReader } from './wire-reader.js';

// Docker's file-based drivers: conmon's k8s-file format stands in for all of them (it keeps stdout/stderr apart).
const FILE_DRIVERS = ['json-file', 'local', 'k8s-file'];
// Docker's other built-in drivers: real, but not available in wharf yet.
const OTHER_DOCKER_DRIVERS = ['syslog', 'journald', 'gelf', 'fluentd', 'awslogs', 'splunk', 'etwlogs', 'gcplogs', 'logentries'];
// Options every driver accepts (logger.ValidateLogOpts handles them above the driver).
const COMMON_OPTS = ['mode', 'max-buffer-size'];
const DRIVER_OPTS: Readonly<Record<string, readonly string[]>> = {
  'json-file': ['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'],
  'k8s-file': ['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag'],
  local: ['max-file', 'max-size', 'compress'],
  none: [],
};

/**
 * parseRamSize reads a size the way go-units RAMInBytes does ("10m", "1.5g", "512k", "100", "2GiB"): binary
 * multiples, case-insensitive, optional "i" and "b". Returns undefined for anything else.
 */
export function parseRamSize(s: string): number | undefined {
  const m = /^(\d+(?:\.\d+)*) ?([kmgtp])?i?b?$/i.exec(s);
  if (!m) return undefined;
  const mult = { '': 1, k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40, p: 2 ** 50 }[(m[2] ?? '').toLowerCase()] ?? 1;
  const n = Number.parseFloat(m[1] as string);
  return Number.isFinite(n) ? Math.floor(n * mult) : undefined;
}

function fileLimits(driver: string, opts: Readonly<Record<string, string>>): Pick<LogSpec, 'maxSize' | 'maxFile'> {
  let maxSize: number | undefined;
  const rawSize = opts['max-size'];
  if (rawSize !== undefined && rawSize !== '-1') {
    maxSize = parseRamSize(rawSize);
    if (maxSize === undefined) throw invalidConfig(`invalid size: '${rawSize}'`);
    if (maxSize <= 0) throw invalidConfig('max-size must be a positive number');
  }
  let maxFile: number | undefined;
  const rawFile = opts['max-file'];
  if (rawFile !== undefined) {
    if (!/^[+-]?\d+$/.test(rawFile)) throw invalidConfig(`strconv.Atoi: parsing ${JSON.stringify(rawFile)}: invalid syntax`);
    maxFile = Number(rawFile);
    if (maxFile < 1) throw invalidConfig('max-file cannot be less than 1');
  }
  if (opts.compress !== undefined && !['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False', 'T', 'F'].includes(opts.compress)) {
    throw invalidConfig(`error reading compress log option: strconv.ParseBool: parsing ${JSON.stringify(opts.compress)}: invalid syntax`);
  }
  // compat: the "local" driver defaults to 20 MB files, 5 of them (daemon/logger/local).
  if (driver === 'local') return { maxSize: maxSize ?? 20 * 2 ** 20, maxFile: maxFile ?? 5 };
  return { ...(maxSize !== undefined ? { maxSize } : {}), ...(maxFile !== undefined ? { maxFile } : {}) };
}

/**
 * readLogConfig reads HostConfig.LogConfig. json-file (the default), local and k8s-file are all stored by conmon
 * as k8s-file logs with the requested max-size/max-file rotation; "none" keeps no log. Docker's other drivers
 * are NotImplemented, unknown names and unknown options are refused with Docker's messages.
 */
export function readLogConfig(r: WireReader, v: unknown): LogSpec {
  const o = r.optObject(v, 'HostConfig.LogConfig') ?? {};
  const requestedType = r.str(o.Type, 'HostConfig.LogConfig.Type');
  const options = r.map(o.Config, 'HostConfig.LogConfig.Config');
  const driver = requestedType || 'json-file';
  if (OTHER_DOCKER_DRIVERS.includes(driver)) throw notImplemented(`log driver "${driver}" is not supported yet`);
  const allowed = DRIVER_OPTS[driver];
  if (allowed === undefined) throw invalidConfig(`logger: no log driver named '${driver}' is registered`);
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key) && !COMMON_OPTS.includes(key)) {
      throw invalidConfig(`unknown log opt '${key}' for ${driver} log driver`);
    }
  }
  if (driver === 'none') return { driver: 'none', requestedType, options };
  if (!FILE_DRIVERS.includes(driver)) throw invalidConfig(`logger: no log driver named '${driver}' is registered`);
  return { driver: 'k8s-file', requestedType, ...fileLimits(driver, options), options };
}
