#!/usr/bin/env node
// wharf: the command line. Kept tiny for start-up time: commands are loaded on demand from commands/index.ts.
import { isatty } from 'node:tty';
import type { CliIO } from './command.js';
import { runCli } from './run-cli.js';

const io: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  // process.stdin is created on first use only: building the stream costs start-up time most commands never need.
  get stdin() {
    return process.stdin;
  },
  stdoutIsTTY: isatty(1),
  stdinIsTTY: isatty(0),
  // compat: docker wraps help at the width of the terminal on stdin, 80 columns otherwise.
  columns: isatty(0) && process.stdout.columns ? process.stdout.columns : 80,
  env: process.env,
  now: Date.now,
};

// compat: like docker (a Go program), end quietly with SIGPIPE's status when the reader of our output goes away.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(141);
  throw err;
});

const status = await runCli(process.argv.slice(2), io);
process.exit(status);
