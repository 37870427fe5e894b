import { parseDigest, type Digest } from '../../common/digest.js';
import { invalidArgument } from '../../common/errors.js';

/**
 * JsonChecker turns untrusted JSON into typed values field by field. Every failure throws InvalidArgument with
 * the checker's code and a message naming the field (`invalid image config: rootfs.diff_ids[2]: ...`).
 * JSON `null` counts as absent for optional fields, as Go's encoding/json (and so Docker) treats it.
 */
export class JsonChecker {
  readonly #code: string;
  readonly #what: string;

  constructor(code: string, what: string) {
    this.#code = code;
    this.#what = what;
  }

  /** fail throws the checker's InvalidArgument error. */
  fail(path: string, why: string): never {
    throw invalidArgument(this.#code, `invalid ${this.#what}: ${path ? `${path}: ` : ''}${why}`);
  }

  /** parse decodes bytes as JSON after a size check. */
  parse(bytes: Buffer | string, maxBytes: number): unknown {
    const size = typeof bytes === 'string' ? Buffer.byteLength(bytes) : bytes.length;
    if (size > maxBytes) this.fail('', `larger than ${maxBytes} bytes`);
    try {
      return JSON.parse(typeof bytes === 'string' ? bytes : bytes.toString('utf8')) as unknown;
    } catch (err) {
      return this.fail('', `not valid JSON (${(err as Error).message})`);
    }
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'expected an object');
    return v as Record<string, unknown>;
  }

  optObject(v: unknown, path: string): Record<string, unknown> | undefined {
    return v === undefined || v === null ? undefined : this.object(v, path);
  }

  string(v: unknown, path: string, maxLength = 1 << 20): string {
    if (typeof v !== 'string') this.fail(path, 'expected a string');
    if (v.length > maxLength) this.fail(path, `longer than ${maxLength} characters`);
    return v;
  }

  optString(v: unknown, path: string, maxLength?: number): string | undefined {
    return v === undefined || v === null ? undefined : this.string(v, path, maxLength);
  }

  optBoolean(v: unknown, path: string): boolean | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') this.fail(path, 'expected a boolean');
    return v;
  }

  /** nonNegativeInt accepts a safe integer >= 0 (sizes, durations in nanoseconds, counts). */
  nonNegativeInt(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) this.fail(path, 'expected a non-negative integer');
    return v;
  }

  optNonNegativeInt(v: unknown, path: string): number | undefined {
    return v === undefined || v === null ? undefined : this.nonNegativeInt(v, path);
  }

  array(v: unknown, path: string, maxItems: number): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'expected an array');
    if (v.length > maxItems) this.fail(path, `more than ${maxItems} entries`);
    return v;
  }

  optStringArray(v: unknown, path: string, maxItems = 100_000): string[] | undefined {
    if (v === undefined || v === null) return undefined;
    return this.array(v, path, maxItems).map((s, i) => this.string(s, `${path}[${i}]`));
  }

  optStringMap(v: unknown, path: string): Record<string, string> | undefined {
    const o = this.optObject(v, path);
    if (o === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const [k, val] of Object.entries(o)) out[k] = this.string(val, `${path}.${k}`);
    return out;
  }

  /** optSet checks a Go `map[string]struct{}` such as ExposedPorts or Volumes (values must be objects). */
  optSet(v: unknown, path: string): Record<string, object> | undefined {
    const o = this.optObject(v, path);
    if (o === undefined) return undefined;
    const out: Record<string, object> = {};
    for (const [k, val] of Object.entries(o)) out[k] = this.optObject(val, `${path}.${k}`) ?? {};
    return out;
  }

  digest(v: unknown, path: string): Digest {
    const s = this.string(v, path, 200);
    try {
      return parseDigest(s);
    } catch {
      return this.fail(path, `invalid digest ${JSON.stringify(s)}`);
    }
  }
}

/** definedOnly drops undefined properties, so parsed objects carry only what the JSON had. */
export function definedOnly<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
