import { createRequire } from 'node:module';

/** WHARF_VERSION is the package version, reported by /version and `wharfd --version`. */
export const WHARF_VERSION: string = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
