#!/usr/bin/env node
// wharf: the command line. Kept tiny for start-up time: commands are loaded on demand from commands/index.ts.
import type { CliIO } from './command.js';
import { runCli } from './run-cli.js';

// stdin is created, and the tty module loaded, on first use only: most commands never need them and each costs
// start-up time.
const io: CliIO = {
  stdout: process.stdout,
  stderr: process.stderr,
  get stdin() {
    return process.stdin;
  },
  stdoutIsTTY: process.stdout.isTTY === true,
  get stdinIsTTY() {
    return process.stdin.isTTY === true;
  },
  // compat: docker wraps help at the width of the terminal on stdin, 80 columns otherwise.
  get columns() {
    return process.stdin.isTTY && process.stdout.columns ? process.stdout.columns : 80;
  },
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
