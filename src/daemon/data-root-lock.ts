import fs from 'node:fs';
import { WharfError } from '../common/errors.js';
import { flock } from '../os/native/native.js';

/** DataRootLock is the exclusive flock a running wharfd holds on its data root; the kernel drops it if we die. */
export interface DataRootLock {
  release(): void;
}

/**
 * lockDataRoot takes `<data-root>/wharfd.lock` without waiting. A second wharfd on the same data root fails at once
 * with a clear error instead of corrupting the store the first one owns.
 */
export function lockDataRoot(lockFile: string, dataRoot: string): DataRootLock {
  const fd = fs.openSync(lockFile, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o600);
  if (!flock(fd, true, true)) {
    fs.closeSync(fd);
    throw new WharfError('FailedPrecondition', 'WHARF_DATA_ROOT_LOCKED', `another wharfd is already running with data root ${dataRoot}`);
  }
  fs.ftruncateSync(fd);
  fs.writeSync(fd, `${process.pid}\n`);
  return { release: () => fs.closeSync(fd) };
}
