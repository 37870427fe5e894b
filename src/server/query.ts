import { invalidArgument } from '../common/errors.js';
import { FilterArgs } from '../services/filters/filter-args.js';

/**
 * boolParam reads a boolean query parameter with dockerd's rule (httputils.BoolValue): absent, empty, "0", "no",
 * "false" and "none" (any case, surrounding space ignored) are false; anything else, "True" and "1" included, is true.
 */
export function boolParam(query: URLSearchParams, key: string): boolean {
  const v = (query.get(key) ?? '').trim().toLowerCase();
  return !(v === '' || v === '0' || v === 'no' || v === 'false' || v === 'none');
}

/** boolParamOr is boolParam, but an absent parameter gives `fallback` (httputils.BoolValueOrDefault). */
export function boolParamOr(query: URLSearchParams, key: string, fallback: boolean): boolean {
  return query.has(key) ? boolParam(query, key) : fallback;
}

const INT_RE = /^[-+]?\d+$/;

/** intParam reads an integer query parameter; absent or empty gives `fallback`, garbage is InvalidArgument. */
export function intParam(query: URLSearchParams, key: string, fallback: number): number {
  const raw = query.get(key);
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!INT_RE.test(raw) || !Number.isSafeInteger(n)) {
    throw invalidArgument('WHARF_INVALID_PARAMETER', `invalid value for '${key}': ${JSON.stringify(raw)} is not an integer`);
  }
  return n;
}

/** filtersParam parses the `filters` parameter (both JSON forms); a malformed value is `invalid filter`. */
export function filtersParam(query: URLSearchParams): FilterArgs {
  return FilterArgs.fromJson(query.get('filters'));
}

/** listParam returns every value of a repeated parameter (`names=a&names=b`), skipping empty ones. */
export function listParam(query: URLSearchParams, key: string): string[] {
  return query.getAll(key).filter((v) => v !== '');
}
