import { lex, type Token } from './lex.js';
import { templateError } from './template-error.js';

/** Arg is one operand of a template command. `names` is a trailing field chain (`$x.A.B`, `(pipe).A`). */
export type Arg =
  | { t: 'field'; names: string[]; pos: number }
  | { t: 'dot'; pos: number }
  | { t: 'var'; name: string; names: string[]; pos: number }
  | { t: 'ident'; name: string; pos: number }
  | { t: 'lit'; value: string | number | boolean | null; text: string; pos: number }
  | { t: 'pipe'; pipe: Pipe; names: string[]; pos: number };

/** Cmd is one stage of a pipeline: a function or method call, or a single operand. */
export interface Cmd {
  args: Arg[];
  pos: number;
  text: string;
}

/** Pipe is a pipeline with optional variable declaration (`$x := ...`) or assignment (`$x = ...`). */
export interface Pipe {
  decl: string[];
  assign: boolean;
  cmds: Cmd[];
  pos: number;
}

/** ControlNode is an `if`, `with` or `range` block. */
export interface ControlNode {
  t: 'if' | 'with' | 'range';
  pipe: Pipe;
  list: Node[];
  elseList: Node[] | undefined;
  pos: number;
}

/** Node is a node of the parse tree. */
export type Node =
  | { t: 'text'; text: string }
  | { t: 'action'; pipe: Pipe; pos: number }
  | ControlNode
  | { t: 'break' | 'continue'; pos: number };

/** Template is a parsed Go template. */
export interface Template {
  readonly name: string;
  readonly src: string;
  readonly root: Node[];
}

/** parseTemplate parses src with Go's text/template grammar; `funcs` are the function names that exist. */
export function parseTemplate(name: string, src: string, funcs: ReadonlySet<string>): Template {
  const p = new Parser(name, src, lex(name, src), funcs);
  return { name, src, root: p.parseRoot() };
}

class Parser {
  readonly #name: string;
  readonly #src: string;
  readonly #toks: Token[];
  readonly #funcs: ReadonlySet<string>;
  #i = 0;
  #vars: string[] = ['$'];
  #rangeDepth = 0;

  constructor(name: string, src: string, toks: Token[], funcs: ReadonlySet<string>) {
    this.#name = name;
    this.#src = src;
    this.#toks = toks;
    this.#funcs = funcs;
  }

  #fail(pos: number, msg: string): never {
    throw templateError(this.#name, this.#src, pos, msg);
  }

  #peek(skipSpace = true): Token {
    let j = this.#i;
    while (skipSpace && this.#toks[j]?.t === 'space') j++;
    return this.#toks[j] ?? { t: 'eof', pos: this.#src.length };
  }

  #next(): Token {
    while (this.#toks[this.#i]?.t === 'space') this.#i++;
    const tok = this.#toks[this.#i] ?? { t: 'eof', pos: this.#src.length };
    this.#i++;
    return tok;
  }

  parseRoot(): Node[] {
    const { nodes, term } = this.#parseList();
    if (term) this.#fail(term.pos, `unexpected {{${term.value}}}`);
    return nodes;
  }

  /** parseList reads nodes until EOF or a `{{end}}`/`{{else}}` action, which it returns (consuming the keyword). */
  #parseList(): { nodes: Node[]; term?: { value: 'end' | 'else'; pos: number } } {
    const nodes: Node[] = [];
    for (;;) {
      const tok = this.#next();
      if (tok.t === 'eof') return { nodes };
      if (tok.t === 'text') {
        nodes.push({ t: 'text', text: tok.value });
        continue;
      }
      const kw = this.#peek();
      if (kw.t === 'keyword' && (kw.value === 'end' || kw.value === 'else')) {
        this.#next();
        if (kw.value === 'end') this.#expectRight('end');
        return { nodes, term: { value: kw.value, pos: kw.pos } };
      }
      nodes.push(this.#parseAction(tok.pos));
    }
  }

  #expectRight(ctx: string): void {
    const tok = this.#next();
    if (tok.t !== 'right') this.#fail(tok.pos, `unexpected ${describe(tok)} in ${ctx}`);
  }

  #parseAction(pos: number): Node {
    const tok = this.#peek();
    if (tok.t === 'keyword') {
      this.#next();
      switch (tok.value) {
        case 'if':
        case 'with':
        case 'range':
          return this.#parseControl(tok.value, tok.pos);
        case 'break':
        case 'continue':
          if (this.#rangeDepth === 0) this.#fail(tok.pos, `{{${tok.value}}} outside {{range}}`);
          this.#expectRight(tok.value);
          return { t: tok.value, pos: tok.pos };
        default:
          this.#fail(tok.pos, `{{${tok.value}}} is not supported in --format templates`);
      }
    }
    return { t: 'action', pipe: this.#parsePipe('command', true), pos };
  }

  #parseControl(kind: 'if' | 'with' | 'range', pos: number): Node {
    const mark = this.#vars.length;
    const pipe = this.#parsePipe(kind, kind === 'range' ? 2 : 1);
    if (kind === 'range') this.#rangeDepth++;
    const { nodes: list, term } = this.#parseList();
    if (kind === 'range') this.#rangeDepth--;
    if (!term) this.#fail(this.#src.length, 'unexpected EOF');
    let elseList: Node[] | undefined;
    if (term.value === 'else') {
      const chained = this.#peek();
      if (kind !== 'range' && chained.t === 'keyword' && chained.value === kind) {
        // `{{else if ...}}` / `{{else with ...}}`: a nested control that shares our {{end}}.
        this.#next();
        elseList = [this.#parseControl(kind, chained.pos)];
      } else {
        this.#expectRight('else');
        const rest = this.#parseList();
        if (!rest.term) this.#fail(this.#src.length, 'unexpected EOF');
        if (rest.term.value !== 'end') this.#fail(rest.term.pos, 'expected end; found {{else}}');
        elseList = rest.nodes;
      }
    }
    this.#vars.length = mark;
    return { t: kind, pipe, list, elseList, pos };
  }

  /** parsePipe reads `[decl :=] cmd | cmd ...` up to the closing delimiter (or a `)` when nested). */
  #parsePipe(ctx: string, maxDecl: number | true, nested = false): Pipe {
    const pos = this.#peek().pos;
    const decl: string[] = [];
    let assign = false;
    const save = this.#i;
    const first = this.#next();
    if (first.t === 'var') {
      const tok = this.#next();
      if (tok.t === 'declare' || tok.t === 'assign') {
        decl.push(first.value);
        assign = tok.t === 'assign';
      } else if (tok.t === 'comma' && maxDecl !== 1) {
        const second = this.#next();
        const op = this.#next();
        if (second.t !== 'var' || op.t !== 'declare') this.#fail(tok.pos, `too many declarations in ${ctx}`);
        decl.push(first.value, second.value);
      } else this.#i = save;
    } else this.#i = save;
    if (assign) {
      if (!this.#vars.includes(decl[0] ?? '')) this.#fail(first.pos, `undefined variable "${decl[0]}"`);
    } else this.#vars.push(...decl);
    const cmds: Cmd[] = [];
    for (;;) {
      const end = this.#peek();
      if ((nested && end.t === 'rparen') || (!nested && end.t === 'right')) {
        this.#next();
        break;
      }
      if (end.t === 'eof') this.#fail(end.pos, 'unclosed action');
      cmds.push(this.#parseCmd());
      const sep = this.#peek();
      if (sep.t === 'pipe') this.#next();
      else if (!(nested ? sep.t === 'rparen' : sep.t === 'right')) this.#fail(sep.pos, `unexpected ${describe(sep)} in operand`);
    }
    if (cmds.length === 0) this.#fail(pos, `missing value for ${ctx}`);
    return { decl, assign, cmds, pos };
  }

  #parseCmd(): Cmd {
    const args: Arg[] = [];
    const start = this.#peek().pos;
    let end = start;
    for (;;) {
      const tok = this.#peek();
      if (tok.t === 'right' || tok.t === 'rparen' || tok.t === 'pipe' || tok.t === 'eof') break;
      args.push(this.#parseOperand());
      end = this.#toks[this.#i - 1]?.pos ?? end;
      const after = this.#toks[this.#i];
      if (after && after.t !== 'space' && after.t !== 'right' && after.t !== 'rparen' && after.t !== 'pipe') {
        this.#fail(after.pos, `unexpected ${describe(after)} in operand`);
      }
    }
    if (args.length === 0) this.#fail(start, 'missing value for command');
    const stop = this.#peek().pos;
    return { args, pos: start, text: this.#src.slice(start, Math.max(stop, end)).trim() };
  }

  #parseOperand(): Arg {
    const tok = this.#next();
    let arg: Arg;
    switch (tok.t) {
      case 'field':
        return { t: 'field', names: [tok.value, ...this.#chain()], pos: tok.pos };
      case 'dot':
        return { t: 'dot', pos: tok.pos };
      case 'var':
        if (!this.#vars.includes(tok.value)) this.#fail(tok.pos, `undefined variable "${tok.value}"`);
        return { t: 'var', name: tok.value, names: this.#chain(), pos: tok.pos };
      case 'ident':
        if (!this.#funcs.has(tok.value)) this.#fail(tok.pos, `function "${tok.value}" not defined`);
        return { t: 'ident', name: tok.value, pos: tok.pos };
      case 'lit':
        return { t: 'lit', value: tok.value, text: tok.text, pos: tok.pos };
      case 'lparen':
        arg = { t: 'pipe', pipe: this.#parsePipe('parenthesized pipeline', 1, true), names: [], pos: tok.pos };
        arg.names = this.#chain();
        return arg;
      default:
        this.#fail(tok.pos, `unexpected ${describe(tok)} in operand`);
    }
  }

  /** chain reads field names directly attached to the previous operand (no space): `.A.B`. */
  #chain(): string[] {
    const names: string[] = [];
    for (let tok = this.#toks[this.#i]; tok?.t === 'field'; tok = this.#toks[this.#i]) {
      names.push(tok.value);
      this.#i++;
    }
    return names;
  }
}

function describe(tok: Token): string {
  switch (tok.t) {
    case 'right': return '"}}"';
    case 'rparen': return '")"';
    case 'lparen': return '"("';
    case 'pipe': return '"|"';
    case 'eof': return 'EOF';
    case 'text': return 'text';
    case 'lit': return tok.text;
    case 'field': return `.${tok.value}`;
    case 'var': case 'ident': case 'keyword': return `<${tok.value}>`;
    default: return `"${tok.t}"`;
  }
}
