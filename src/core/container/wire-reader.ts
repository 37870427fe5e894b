import { invalidArgument, WharfError } from '../../common/errors.js';
import { JsonChecker } from '../image/json-check.js';

/** INVALID_CONFIG is the error code of every rejected container-create request (Docker answers 400). */
export const INVALID_CONFIG = 'WHARF_INVALID_CONTAINER_CONFIG';

/** invalidConfig is the InvalidArgument error for a container config Docker would refuse, with Docker's words. */
export const invalidConfig = (message: string): WharfError => invalidArgument('WHARF_INVALID_CONTAINER_CONFIG', message);

/** notImplemented refuses an option wharf does not support yet (changes behaviour, so never silently ignored). */
export const notImplemented = (message: string): WharfError =>
  new WharfError('NotImplemented', 'WHARF_CONTAINER_OPTION_NOT_IMPLEMENTED', message);

/**
 * WireReader reads the untrusted JSON of a container-create body field by field, the way Go's encoding/json
 * fills moby's structs: `null` and absent are the zero value, a wrong type is an InvalidArgument naming the field
 * ("invalid container config: HostConfig.Memory: expected an integer").
 */
export class WireReader extends JsonChecker {
  constructor() {
    super(INVALID_CONFIG, 'container config');
  }

  /** bool reads a boolean; absent or null is false. */
  bool(v: unknown, path: string): boolean {
    return this.optBoolean(v, path) ?? false;
  }

  /** str reads a string; absent or null is "". */
  str(v: unknown, path: string): string {
    return this.optString(v, path) ?? '';
  }

  /** int reads a signed safe integer (Go's int64 fields); absent or null is 0. */
  int(v: unknown, path: string): number {
    return this.optInt(v, path) ?? 0;
  }

  /** optInt reads a signed safe integer, or undefined for absent or null. */
  optInt(v: unknown, path: string): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.fail(path, 'expected an integer');
    return v;
  }

  /** strings reads an array of strings; absent or null is []. */
  strings(v: unknown, path: string, maxItems = 10_000): string[] {
    return this.optStringArray(v, path, maxItems) ?? [];
  }

  /**
   * strSlice reads Docker's StrSlice (Cmd, Entrypoint, Shell, Healthcheck.Test): an array of strings, or a single
   * string meaning a one-element array. Absent or null is undefined, which differs from [] for Entrypoint.
   */
  strSlice(v: unknown, path: string): string[] | undefined {
    if (typeof v === 'string') return [v];
    return this.optStringArray(v, path, 10_000);
  }

  /** map reads a string-to-string object; absent or null is {}. */
  map(v: unknown, path: string): Record<string, string> {
    return this.optStringMap(v, path) ?? {};
  }

  /** keys reads a Go `map[string]struct{}` (ExposedPorts, Volumes) as its keys; absent or null is []. */
  keys(v: unknown, path: string): string[] {
    return Object.keys(this.optSet(v, path) ?? {});
  }

  /** objects reads an array of objects; absent or null is []. */
  objects(v: unknown, path: string, maxItems = 10_000): Record<string, unknown>[] {
    if (v === undefined || v === null) return [];
    return this.array(v, path, maxItems).map((o, i) => this.object(o, `${path}[${i}]`));
  }
}
