import { invalidArgument, type WharfError } from '../../common/errors.js';

/**
 * invalidFilter is Docker's error for a filter key or value a list does not accept: `invalid filter 'x'`, or
 * `invalid filter 'dangling=[maybe]'` when the values are wrong (the Go `%s` of a string slice).
 */
export function invalidFilter(key?: string, values?: readonly string[]): WharfError {
  let msg = 'invalid filter';
  if (key !== undefined) msg += values === undefined ? ` '${key}'` : ` '${key}=[${values.join(' ')}]'`;
  return invalidArgument('WHARF_INVALID_FILTER', msg);
}

type Fields = Map<string, Map<string, boolean>>;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// The current form, {"dangling":{"true":true}}, is what the docker CLI sends.
function fromMapForm(raw: Record<string, unknown>): Fields | undefined {
  const fields: Fields = new Map();
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) {
      fields.set(key, new Map());
      continue;
    }
    if (!isRecord(value)) return undefined;
    const values = new Map<string, boolean>();
    for (const [v, on] of Object.entries(value)) {
      if (typeof on !== 'boolean') return undefined;
      values.set(v, on);
    }
    fields.set(key, values);
  }
  return fields;
}

// The legacy slice form, {"dangling":["true"]}, which older clients and curl users send.
function fromSliceForm(raw: Record<string, unknown>): Fields | undefined {
  const fields: Fields = new Map();
  for (const [key, value] of Object.entries(raw)) {
    if (value === null) {
      fields.set(key, new Map());
      continue;
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return undefined;
    fields.set(key, new Map(value.map((v: string) => [v, true])));
  }
  return fields;
}

/**
 * FilterArgs is the `filters` query parameter of list, prune and events endpoints: a key → set-of-values map with
 * Docker's matching rules (moby `filters.Args`). A key that is absent never filters anything out.
 */
export class FilterArgs {
  readonly #fields: Fields;

  private constructor(fields: Fields) {
    this.#fields = fields;
  }

  /** fromJson parses the `filters` parameter in either JSON form; empty or absent means no filters. */
  static fromJson(raw: string | null | undefined): FilterArgs {
    if (raw === null || raw === undefined || raw === '') return new FilterArgs(new Map());
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw invalidFilter();
    }
    if (parsed === null) return new FilterArgs(new Map());
    if (!isRecord(parsed)) throw invalidFilter();
    const fields = fromMapForm(parsed) ?? fromSliceForm(parsed);
    if (fields === undefined) throw invalidFilter();
    return new FilterArgs(fields);
  }

  /** of builds filters from key → values (for callers inside the daemon and tests). */
  static of(entries: Readonly<Record<string, readonly string[]>> = {}): FilterArgs {
    const fields: Fields = new Map();
    for (const [k, vs] of Object.entries(entries)) fields.set(k, new Map(vs.map((v) => [v, true])));
    return new FilterArgs(fields);
  }

  /** withValue returns a copy with one more value for a key. */
  withValue(key: string, value: string): FilterArgs {
    const fields: Fields = new Map([...this.#fields].map(([k, v]) => [k, new Map(v)]));
    fields.set(key, (fields.get(key) ?? new Map<string, boolean>()).set(value, true));
    return new FilterArgs(fields);
  }

  /** keys lists the filter keys given. */
  keys(): string[] {
    return [...this.#fields.keys()];
  }

  /** contains tells whether a key was given at all (even with no values). */
  contains(key: string): boolean {
    return this.#fields.has(key);
  }

  /** get returns the values of a key, in the order given. */
  get(key: string): string[] {
    return [...(this.#fields.get(key)?.keys() ?? [])];
  }

  /** validate throws Docker's `invalid filter 'x'` for the first key not in `accepted`. */
  validate(accepted: readonly string[]): void {
    for (const key of this.#fields.keys()) if (!accepted.includes(key)) throw invalidFilter(key);
  }

  /** exactMatch is true when the key is absent or empty, or one of its values equals source. */
  exactMatch(key: string, source: string): boolean {
    const values = this.#fields.get(key);
    if (values === undefined || values.size === 0) return true;
    return values.get(source) === true;
  }

  /** fuzzyMatch is exactMatch, or source starts with one of the key's values (IDs by prefix). */
  fuzzyMatch(key: string, source: string): boolean {
    if (this.exactMatch(key, source)) return true;
    for (const prefix of this.#fields.get(key)?.keys() ?? []) if (source.startsWith(prefix)) return true;
    return false;
  }

  /** matchKVList is true when every `k` or `k=v` value of the key is present in sources (labels). */
  matchKVList(key: string, sources: Readonly<Record<string, string>> | undefined): boolean {
    const values = this.#fields.get(key);
    if (values === undefined || values.size === 0) return true;
    if (sources === undefined || Object.keys(sources).length === 0) return false;
    for (const value of values.keys()) {
      const eq = value.indexOf('=');
      const k = eq < 0 ? value : value.slice(0, eq);
      if (!Object.hasOwn(sources, k)) return false;
      if (eq >= 0 && sources[k] !== value.slice(eq + 1)) return false;
    }
    return true;
  }

  /** getBool reads a boolean filter ("1"/"true" or "0"/"false"); other or conflicting values are invalid. */
  getBool(key: string, defaultValue: boolean): boolean {
    const values = this.#fields.get(key);
    if (values === undefined) return defaultValue;
    if (values.size === 0) throw invalidFilter(key);
    const isFalse = values.get('0') === true || values.get('false') === true;
    const isTrue = values.get('1') === true || values.get('true') === true;
    if (isFalse === isTrue) throw invalidFilter(key, this.get(key));
    return isTrue;
  }
}
