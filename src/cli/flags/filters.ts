/**
 * toFilters turns repeated `-f key=value` values into the API's filters map, as docker's FilterOpt does: the key
 * is trimmed and lower-cased, the value trimmed, and repeated keys collect their values.
 */
export function toFilters(values: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq < 0) continue;
    const key = v.slice(0, eq).trim().toLowerCase();
    const list = out[key] ?? (out[key] = []);
    const value = v.slice(eq + 1).trim();
    if (!list.includes(value)) list.push(value);
  }
  return out;
}

/** addFilter returns filters with one more `key=value` (used for the REPOSITORY[:TAG] argument and prune's dangling). */
export function addFilter(filters: Readonly<Record<string, string[]>>, key: string, value: string): Record<string, string[]> {
  const list = filters[key] ?? [];
  return { ...filters, [key]: list.includes(value) ? list : [...list, value] };
}
