// Go-value helpers shared with the template printer live here: formatter contexts need only this module to
// marshal themselves, not the whole template engine.

/** isMap tells whether v is a plain object, the stand-in for Go's map[string]interface{}. */
export function isMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** isStruct tells whether v is a class instance, the stand-in for a Go struct pointer with methods. */
export function isStruct(v: unknown): v is object {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isMap(v);
}

/** structFieldNames lists a struct's exported fields: capitalised own properties and getters (what MarshalJSON sees). */
export function structFieldNames(v: object): string[] {
  const names = new Set<string>(Object.keys(v).filter((k) => /^[A-Z]/.test(k)));
  for (let p: unknown = Object.getPrototypeOf(v); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    for (const [name, desc] of Object.entries(Object.getOwnPropertyDescriptors(p))) {
      if (desc.get && /^[A-Z]/.test(name)) names.add(name);
    }
  }
  return [...names];
}

/**
 * GoMarshaler is implemented by formatter contexts whose JSON form is computed (docker's `MarshalJSON` on
 * e.g. imageContext). The returned string is final JSON text.
 */
export interface GoMarshaler {
  marshalJSON(): string;
}

function isMarshaler(v: unknown): v is GoMarshaler {
  return typeof v === 'object' && v !== null && typeof (v as { marshalJSON?: unknown }).marshalJSON === 'function';
}

/** escapeHtml applies encoding/json's default HTML escaping (`<` `>` `&` as \u003c \u003e \u0026). */
function escapeHtml(json: string): string {
  return json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}

function encode(v: unknown, escape: boolean): string {
  if (isMarshaler(v)) return v.marshalJSON();
  if (v === undefined || v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => encode(x, escape)).join(',')}]`;
  if (typeof v === 'object') {
    const entries = isMap(v)
      ? Object.entries(v).filter(([, x]) => x !== undefined)
      : structFieldNames(v).map((k): [string, unknown] => [k, (v as Record<string, unknown>)[k]]);
    return `{${entries.map(([k, x]) => `${str(k, escape)}:${encode(x, escape)}`).join(',')}}`;
  }
  if (typeof v === 'string') return str(v, escape);
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'bigint') return v.toString();
  return JSON.stringify(v) ?? 'null';
}

function str(s: string, escape: boolean): string {
  const j = JSON.stringify(s);
  return escape ? escapeHtml(j) : j;
}

/** goJson is docker's template `json` function: encoding/json with HTML escaping turned off. */
export function goJson(v: unknown): string {
  return encode(v, false);
}

/**
 * marshalContext is docker's formatter.MarshalJSON: a map of the context's exported getters, keys sorted (Go map
 * order), encoded by json.Marshal (so with HTML escaping: `<none>` becomes `\u003cnone\u003e`).
 */
export function marshalContext(ctx: object): string {
  const names = structFieldNames(ctx).sort();
  const body = names.map((k) => `${str(k, true)}:${encode((ctx as Record<string, unknown>)[k], true)}`);
  return `{${body.join(',')}}`;
}
