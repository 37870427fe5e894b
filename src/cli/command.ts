import type { Readable, Writable } from 'node:stream';
import type { EngineClient } from '../client/engine-client.js';
import type { FlagSpec, FlagValues } from './flags/flag-spec.js';

/**
 * CliIO is the process's streams and environment as a command sees them. Commands never touch `process`
 * directly, so tests run them against buffers (nerdctl passes Stdout/Stderr in its options the same way).
 */
export interface CliIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly stdin: Readable;
  readonly stdoutIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /** Terminal width for help wrapping (80 when not a terminal, as docker assumes). */
  readonly columns: number;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Current time in milliseconds (injectable for "2 hours ago" goldens). */
  readonly now: () => number;
}

/** GlobalOptions are the flags given before the command (`-H`, `-D`, `--log-level`). */
export interface GlobalOptions {
  /** Daemon address from -H, WHARF_HOST or DOCKER_HOST; undefined means the default socket. */
  readonly host: string | undefined;
  readonly debug: boolean;
  readonly logLevel: string;
}

/** CommandContext is what a command's `run` receives: typed flags, positional args, streams and the API client. */
export interface CommandContext<F extends readonly FlagSpec[]> {
  readonly flags: FlagValues<F>;
  /** Long names of flags given explicitly. */
  readonly changed: ReadonlySet<string>;
  readonly args: readonly string[];
  readonly io: CliIO;
  readonly globals: GlobalOptions;
  /** The command as invoked, e.g. `wharf images` or `wharf image ls` (for messages). */
  readonly path: string;
  /** client returns the (single) Engine API client for this invocation. */
  client(): EngineClient;
}

/** ArgCount bounds the number of positional arguments (docker's cli.RequiresMinArgs/ExactArgs/NoArgs). */
export interface ArgCount {
  readonly min?: number;
  readonly max?: number;
}

/**
 * CommandSpec is one command module's definition: usage line (after the command path), argument bounds, the flag
 * table, and `run`, which returns the exit status (0 when it returns nothing) or throws a WharfError.
 */
export interface CommandSpec<F extends readonly FlagSpec[] = readonly FlagSpec[]> {
  /** Usage after the command path, e.g. `[OPTIONS] [REPOSITORY[:TAG]]`. */
  readonly usage: string;
  readonly args: ArgCount;
  readonly flags: F;
  /** False stops flag parsing at the first positional argument (docker's SetInterspersed(false)). */
  readonly interspersed?: boolean;
  run(ctx: CommandContext<F>): Promise<number | void>;
}

/** CommandModule is what a lazily loaded command file exports. */
export interface CommandModule {
  readonly command: CommandSpec;
}
