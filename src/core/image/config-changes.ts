import path from 'node:path/posix';
import { invalidArgument, type WharfError } from '../../common/errors.js';
import { processWord, processWords, splitWords, type EnvLookup } from './change-words.js';
import { parseHealthcheck } from './healthcheck-change.js';
import type { ContainerConfig } from './oci.js';
import { checkStopSignal } from './stop-signal.js';

/** MutableContainerConfig is a ContainerConfig being changed. */
type MutableConfig = { -readonly [K in keyof ContainerConfig]: ContainerConfig[K] };

interface ChangeState {
  readonly config: MutableConfig;
  /** Whether a CMD was given in these changes (an ENTRYPOINT then keeps it; otherwise it clears Cmd). */
  cmdSet: boolean;
}

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

const DEFAULT_SHELL = ['/bin/sh', '-c'];

function changeError(message: string): WharfError {
  return invalidArgument('WHARF_INVALID_CHANGE', message);
}

/**
 * applyConfigChanges applies Dockerfile instructions to a container config, as `docker import --change` and
 * `docker commit --change` do (moby BuildFromConfig): CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD,
 * STOPSIGNAL, USER, VOLUME and WORKDIR, in exec (JSON array) or shell form, with `$VAR` expansion from the
 * config's Env. The changes are joined with newlines and parsed as a Dockerfile, so comments and `\` line
 * continuations work. Anything else fails with InvalidArgument (WHARF_INVALID_CHANGE), in Docker's words.
 */
export function applyConfigChanges(base: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const state: ChangeState = { config: structuredClone(base) as MutableConfig, cmdSet: false };
  for (const ins of parseInstructions(changes.join('\n'))) apply(state, ins);
  return state.config;
}

/** parseInstructions splits Dockerfile text into instructions: comments and blank lines go, continuations join. */
function parseInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = pending === '' ? raw.trimStart() : raw;
    if (pending === '' && (line === '' || line.startsWith('#'))) continue;
    if (pending !== '' && /^\s*#/.test(line)) continue; // comments inside a continued instruction are dropped
    if (/\\\s*$/.test(line)) {
      pending += line.replace(/\\\s*$/, '');
      continue;
    }
    const full = (pending + line).trim();
    pending = '';
    if (full !== '') out.push(split(full));
  }
  if (pending.trim() !== '') out.push(split(pending.trim()));
  return out;
}

function split(line: string): Instruction {
  const m = /^(\S+)\s*(.*)$/s.exec(line);
  return { keyword: (m?.[1] ?? '').toLowerCase(), args: m?.[2] ?? '' };
}

function apply(state: ChangeState, ins: Instruction): void {
  const c = state.config;
  const env = envLookup(c);
  switch (ins.keyword) {
    case 'cmd':
      c.Cmd = commandLine(c, ins.args);
      delete c.ArgsEscaped; // false on Linux, which Docker's JSON omits
      if (ins.args !== '') state.cmdSet = true;
      return;
    case 'entrypoint':
      c.Entrypoint = commandLine(c, ins.args);
      delete c.ArgsEscaped;
      if (!state.cmdSet) delete c.Cmd;
      return;
    case 'env':
      for (const [k, v] of nameValues('ENV', ins.args, env)) setEnv(c, k, v);
      return;
    case 'label':
      c.Labels = { ...c.Labels, ...Object.fromEntries(nameValues('LABEL', ins.args, env)) };
      return;
    case 'expose':
      c.ExposedPorts = { ...c.ExposedPorts, ...Object.fromEntries(exposedPorts(ins.args, env).map((p) => [p, {}])) };
      return;
    case 'healthcheck':
      c.Healthcheck = parseHealthcheck(ins.args);
      return;
    case 'onbuild':
      c.OnBuild = [...(c.OnBuild ?? []), onbuildTrigger(ins.args)];
      return;
    case 'stopsignal':
      c.StopSignal = checkStopSignal(exactlyOne('STOPSIGNAL', ins.args, env));
      return;
    case 'user':
      c.User = exactlyOne('USER', ins.args, env);
      return;
    case 'volume':
      c.Volumes = { ...c.Volumes, ...Object.fromEntries(volumes(ins.args, env).map((v) => [v, {}])) };
      return;
    case 'workdir':
      c.WorkingDir = workdir(c.WorkingDir ?? '', processWord(ins.args, env));
      return;
    default:
      // compat: moby builder.BuildFromConfig's wording (the instruction as the parser lowercased it).
      throw changeError(`${ins.keyword} is not a valid change command`);
  }
}

function envLookup(c: ContainerConfig): EnvLookup {
  return (name) => {
    for (const e of [...(c.Env ?? [])].reverse()) {
      const eq = e.indexOf('=');
      if ((eq < 0 ? e : e.slice(0, eq)) === name) return eq < 0 ? '' : e.slice(eq + 1);
    }
    return undefined;
  };
}

/** jsonArray returns the exec form of an argument list, or undefined when it is in shell form. */
function jsonArray(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(args) as unknown;
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** commandLine is CMD/ENTRYPOINT's value: the JSON array, or the shell form run by the image's shell. */
function commandLine(c: ContainerConfig, args: string): string[] {
  const exec = jsonArray(args);
  if (exec !== undefined) return exec;
  return args === '' ? [] : [...(c.Shell ?? DEFAULT_SHELL), args];
}

/** nameValues parses ENV/LABEL arguments: `k=v k2="v 2"`, or the legacy `k v w` form (one pair). */
function nameValues(what: 'ENV' | 'LABEL', args: string, env: EnvLookup): Array<[string, string]> {
  const words = splitWords(args);
  if (words.length === 0) throw changeError(`${what} requires at least one argument`);
  if (!(words[0] as string).includes('=')) {
    const m = /^(\S+)\s*(.*)$/s.exec(args.trim());
    if (m?.[2] === undefined || m[2] === '') throw changeError(`${what} must have two arguments`);
    return [[m[1] as string, processWord(m[2], env)]];
  }
  return words.map((w): [string, string] => {
    const eq = w.indexOf('=');
    if (eq < 0) throw changeError(`Syntax error - can't find = in "${w}". Must be of the form: name=value`);
    const key = processWord(w.slice(0, eq), env);
    if (key === '') throw changeError(`${what} names can not be blank`);
    return [key, processWord(w.slice(eq + 1), env)];
  });
}

function setEnv(c: MutableConfig, key: string, value: string): void {
  const entry = `${key}=${value}`;
  const list = [...(c.Env ?? [])];
  const i = list.findIndex((e) => e.split('=', 1)[0] === key);
  if (i >= 0) list[i] = entry;
  else list.push(entry);
  c.Env = list;
}

function exactlyOne(what: string, args: string, env: EnvLookup): string {
  const words = splitWords(args);
  if (words.length !== 1) throw changeError(`${what} requires exactly one argument`);
  return processWord(words[0] as string, env);
}

function volumes(args: string, env: EnvLookup): string[] {
  const list = jsonArray(args) ?? splitWords(args);
  if (list.length === 0) throw changeError('VOLUME requires at least one argument');
  return list.map((v) => {
    const p = processWord(v, env).trim();
    if (p === '') throw changeError('VOLUME specified can not be an empty string');
    return p;
  });
}

function workdir(current: string, requested: string): string {
  if (requested === '') throw changeError('WORKDIR requires exactly one argument');
  // compat: Go's filepath.Clean/Join, which also drop a trailing slash.
  const clean = (p: string): string => path.normalize(p).replace(/\/+$/, '') || '/';
  return clean(requested.startsWith('/') ? requested : path.join('/', current, requested));
}

function onbuildTrigger(args: string): string {
  const trigger = (args.trim().split(/\s+/, 1)[0] ?? '').toUpperCase();
  if (trigger === '') throw changeError('ONBUILD requires at least one argument');
  if (trigger === 'ONBUILD') throw changeError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed');
  if (trigger === 'MAINTAINER' || trigger === 'FROM') throw changeError(`${trigger} isn't allowed as an ONBUILD trigger`);
  return args.trim();
}

/** exposedPorts turns EXPOSE arguments into `port/proto` keys, expanding ranges (nat.ParsePortSpecs). */
function exposedPorts(args: string, env: EnvLookup): string[] {
  const specs = splitWords(args).flatMap((w) => processWords(w, env));
  if (specs.length === 0) throw changeError('EXPOSE requires at least one argument');
  const out: string[] = [];
  for (const raw of specs) {
    const slash = raw.lastIndexOf('/');
    const proto = (slash < 0 ? 'tcp' : raw.slice(slash + 1)).toLowerCase();
    const container = (slash < 0 ? raw : raw.slice(0, slash)).split(':').at(-1) ?? '';
    if (container === '') throw changeError(`no port specified: ${raw}<empty>`);
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw changeError(`invalid proto: ${proto}`);
    const m = /^(\d+)(?:-(\d+))?$/.exec(container);
    const start = Number(m?.[1]);
    const end = m?.[2] === undefined ? start : Number(m[2]);
    if (m === null || start > 65535 || end > 65535 || end < start) throw changeError(`invalid containerPort: ${container}`);
    for (let p = start; p <= end; p++) out.push(`${p}/${proto}`);
  }
  return out;
}
