import { formatValue, goTypeName, isMap, isStruct } from './go-print.js';
import type { Arg, Cmd, ControlNode, Node, Pipe, Template } from './parse.js';
import { execError } from './template-error.js';

/** TemplateFunc is a function callable from a template; `min`/`max` bound its argument count. */
export interface TemplateFunc {
  readonly min: number;
  readonly max: number;
  readonly call: (args: unknown[]) => unknown;
}

/** FuncMap maps function names to implementations. `and`/`or` are evaluated lazily by the executor itself. */
export type FuncMap = Readonly<Record<string, TemplateFunc>>;

/** ExecOptions mirror Go's template options: `missingKey: 'error'` is `Option("missingkey=error")`. */
export interface ExecOptions {
  readonly funcs: FuncMap;
  readonly missingKey?: 'default' | 'error';
  /** partial, when given, receives the output rendered so far even if execution then fails. */
  readonly partial?: { text: string };
}

/** FuncError is thrown by a TemplateFunc; `wrap: false` messages are shown as-is, others as `error calling f: msg`. */
export class FuncError extends Error {
  readonly wrap: boolean;
  constructor(message: string, wrap = true) {
    super(message);
    this.wrap = wrap;
  }
}

const BREAK = Symbol('break');
const CONTINUE = Symbol('continue');

/** isTrue is Go's template truth: false, 0, nil, and empty strings, arrays and maps are false; structs are true. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/** executeTemplate runs a parsed template against data and returns the output. */
export function executeTemplate(tmpl: Template, data: unknown, opts: ExecOptions): string {
  const st = new State(tmpl, data, opts);
  try {
    st.walk(tmpl.root, data);
  } finally {
    if (opts.partial) opts.partial.text = st.out;
  }
  return st.out;
}

class State {
  out = '';
  readonly #tmpl: Template;
  readonly #opts: ExecOptions;
  readonly #vars: { name: string; value: unknown }[];

  constructor(tmpl: Template, data: unknown, opts: ExecOptions) {
    this.#tmpl = tmpl;
    this.#opts = opts;
    this.#vars = [{ name: '$', value: data }];
  }

  #fail(pos: number, node: string, msg: string): never {
    throw execError(this.#tmpl.name, this.#tmpl.src, pos, node, msg);
  }

  walk(nodes: readonly Node[], dot: unknown): void {
    for (const n of nodes) {
      switch (n.t) {
        case 'text':
          this.out += n.text;
          break;
        case 'action': {
          const v = this.#evalPipe(dot, n.pipe);
          if (n.pipe.decl.length === 0) this.out += printValue(v);
          break;
        }
        case 'if':
        case 'with': {
          const mark = this.#vars.length;
          const v = this.#evalPipe(dot, n.pipe);
          if (isTrue(v)) this.walk(n.list, n.t === 'with' ? v : dot);
          else if (n.elseList) this.walk(n.elseList, dot);
          this.#vars.length = mark;
          break;
        }
        case 'range':
          this.#walkRange(n, dot);
          break;
        case 'break':
          throw BREAK;
        case 'continue':
          throw CONTINUE;
      }
    }
  }

  #walkRange(n: ControlNode, dot: unknown): void {
    const mark = this.#vars.length;
    const v = this.#evalCmds(dot, n.pipe);
    let entries: [unknown, unknown][];
    if (v === undefined || v === null) entries = [];
    else if (Array.isArray(v)) entries = v.map((x, i) => [i, x]);
    else if (isMap(v)) entries = Object.keys(v).sort().map((k) => [k, v[k]]);
    else if (typeof v === 'number' && Number.isInteger(v)) entries = Array.from({ length: Math.max(0, v) }, (_, i) => [i, i]);
    else this.#fail(n.pos, `range ${n.pipe.cmds.map((c) => c.text).join(' | ')}`, `range can't iterate over ${formatValue(v)}`);
    for (const [key, elem] of entries) {
      this.#vars.length = mark;
      if (n.pipe.decl.length === 1) this.#vars.push({ name: n.pipe.decl[0] ?? '', value: elem });
      if (n.pipe.decl.length === 2) {
        this.#vars.push({ name: n.pipe.decl[0] ?? '', value: key }, { name: n.pipe.decl[1] ?? '', value: elem });
      }
      try {
        this.walk(n.list, elem);
      } catch (e) {
        if (e === BREAK) break;
        if (e !== CONTINUE) throw e;
      }
    }
    this.#vars.length = mark;
    if (entries.length === 0 && n.elseList) this.walk(n.elseList, dot);
  }

  #evalCmds(dot: unknown, pipe: Pipe): unknown {
    let value: unknown;
    pipe.cmds.forEach((cmd, i) => {
      value = this.#evalCmd(dot, cmd, i > 0 ? { value } : undefined);
    });
    return value;
  }

  #evalPipe(dot: unknown, pipe: Pipe): unknown {
    const value = this.#evalCmds(dot, pipe);
    for (const name of pipe.decl) {
      if (pipe.assign) {
        const slot = [...this.#vars].reverse().find((x) => x.name === name);
        if (slot) slot.value = value;
      } else this.#vars.push({ name, value });
    }
    return value;
  }

  #evalCmd(dot: unknown, cmd: Cmd, final?: { value: unknown }): unknown {
    const [first, ...rest] = cmd.args;
    if (!first) return undefined;
    switch (first.t) {
      case 'field':
        return this.#evalChain(dot, dot, first.names, cmd, rest, final, first.pos);
      case 'var': {
        const v = this.#lookupVar(first.name);
        if (first.names.length > 0) return this.#evalChain(dot, v, first.names, cmd, rest, final, first.pos);
        this.#noArgs(cmd, rest, final, first.name);
        return v;
      }
      case 'pipe': {
        const v = this.#evalPipe(dot, first.pipe);
        if (first.names.length > 0) return this.#evalChain(dot, v, first.names, cmd, rest, final, first.pos);
        this.#noArgs(cmd, rest, final, cmd.text);
        return v;
      }
      case 'ident':
        return this.#call(dot, first.name, cmd, rest, final);
      case 'dot':
        this.#noArgs(cmd, rest, final, '.');
        return dot;
      case 'lit':
        if (first.value === null) this.#fail(cmd.pos, cmd.text, 'nil is not a command');
        this.#noArgs(cmd, rest, final, first.text);
        return first.value;
    }
  }

  #noArgs(cmd: Cmd, rest: Arg[], final: { value: unknown } | undefined, what: string): void {
    if (rest.length > 0 || final) this.#fail(cmd.pos, cmd.text, `can't give argument to non-function ${what}`);
  }

  #lookupVar(name: string): unknown {
    for (let i = this.#vars.length - 1; i >= 0; i--) if (this.#vars[i]?.name === name) return this.#vars[i]?.value;
    return undefined;
  }

  #evalArg(dot: unknown, arg: Arg): unknown {
    switch (arg.t) {
      case 'field':
        return this.#evalChain(dot, dot, arg.names, undefined, [], undefined, arg.pos);
      case 'dot':
        return dot;
      case 'var': {
        const v = this.#lookupVar(arg.name);
        return arg.names.length ? this.#evalChain(dot, v, arg.names, undefined, [], undefined, arg.pos) : v;
      }
      case 'pipe': {
        const v = this.#evalPipe(dot, arg.pipe);
        return arg.names.length ? this.#evalChain(dot, v, arg.names, undefined, [], undefined, arg.pos) : v;
      }
      case 'lit':
        return arg.value;
      case 'ident':
        return this.#call(dot, arg.name, { args: [arg], pos: arg.pos, text: arg.name }, [], undefined);
    }
  }

  #evalChain(
    dot: unknown,
    recv: unknown,
    names: string[],
    cmd: Cmd | undefined,
    rest: Arg[],
    final: { value: unknown } | undefined,
    pos: number,
  ): unknown {
    const at = cmd ?? { args: [], pos, text: `.${names.join('.')}` };
    let v = recv;
    names.forEach((name, i) => {
      const last = i === names.length - 1;
      v = this.#field(v, name, last ? rest : [], last ? final : undefined, at, dot);
    });
    return v;
  }

  #field(recv: unknown, name: string, rest: Arg[], final: { value: unknown } | undefined, cmd: Cmd, dot: unknown): unknown {
    const hasArgs = rest.length > 0 || final !== undefined;
    if (recv === undefined || recv === null) {
      if (this.#opts.missingKey === 'error') this.#fail(cmd.pos, cmd.text, `nil data; no entry for key "${name}"`);
      return undefined;
    }
    if (isMap(recv)) {
      if (hasArgs) this.#fail(cmd.pos, cmd.text, `${name} is not a method but has arguments`);
      const key = Object.hasOwn(recv, name) ? name : goFieldAlias(recv, name);
      if (key === undefined) {
        if (this.#opts.missingKey === 'error') this.#fail(cmd.pos, cmd.text, `map has no entry for key "${name}"`);
        return undefined;
      }
      return recv[key];
    }
    if (isStruct(recv) && name in recv) {
      const member = (recv as Record<string, unknown>)[name];
      if (typeof member === 'function') {
        const args = rest.map((a) => this.#evalArg(dot, a));
        if (final) args.push(final.value);
        return this.#invoke(name, cmd, () => (member as (...a: unknown[]) => unknown).apply(recv, args));
      }
      if (hasArgs) this.#fail(cmd.pos, cmd.text, `${name} is not a method but has arguments`);
      return member;
    }
    this.#fail(cmd.pos, cmd.text, `can't evaluate field ${name} in type ${goTypeName(recv)}`);
  }

  #call(dot: unknown, name: string, cmd: Cmd, rest: Arg[], final: { value: unknown } | undefined): unknown {
    const argc = rest.length + (final ? 1 : 0);
    if (name === 'and' || name === 'or') {
      if (argc < 1) this.#fail(cmd.pos, cmd.text, `wrong number of args for ${name}: want at least 1 got 0`);
      let v: unknown;
      for (const a of rest) {
        v = this.#evalArg(dot, a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      return final ? final.value : v;
    }
    const fn = this.#opts.funcs[name];
    if (!fn) this.#fail(cmd.pos, cmd.text, `"${name}" is not a defined function`);
    if (argc < fn.min || argc > fn.max) {
      const want = fn.min === fn.max ? `${fn.min}` : `at least ${fn.min}`;
      this.#fail(cmd.pos, cmd.text, `wrong number of args for ${name}: want ${want} got ${argc}`);
    }
    const args = rest.map((a) => this.#evalArg(dot, a));
    if (final) args.push(final.value);
    return this.#invoke(name, cmd, () => fn.call(args));
  }

  #invoke(name: string, cmd: Cmd, f: () => unknown): unknown {
    try {
      return f();
    } catch (e) {
      if (e instanceof FuncError) this.#fail(cmd.pos, cmd.text, e.wrap ? `error calling ${name}: ${e.message}` : e.message);
      throw e;
    }
  }
}

/**
 * goFieldAlias finds a key that differs only in case: docker executes --format against Go structs whose field
 * names differ from the JSON keys we hold (`.ID` for "Id", `.Scope` for an event's "scope"), so both spellings work.
 */
function goFieldAlias(m: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  const hits = Object.keys(m).filter((k) => k.toLowerCase() === lower);
  return hits.length === 1 ? hits[0] : undefined;
}

/** printValue is how an action prints its value: a missing or nil value is "<no value>". */
export function printValue(v: unknown): string {
  if (v === undefined || v === null) return '<no value>';
  return formatValue(v);
}
