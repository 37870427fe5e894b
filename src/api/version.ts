/**
 * API_VERSION is the Engine API version wharfd advertises: the one docker CLI 28 speaks. It must never drop
 * below 1.40, the floor docker CLI 29.3+ requires.
 */
export const API_VERSION = '1.50';

/** MIN_API_VERSION is the oldest versioned path prefix (`/v1.24/...`) wharfd accepts. */
export const MIN_API_VERSION = '1.24';

/** compareApiVersions orders two "major.minor" API versions: negative, zero or positive. */
export function compareApiVersions(a: string, b: string): number {
  const [aMajor = 0, aMinor = 0] = a.split('.').map(Number);
  const [bMajor = 0, bMinor = 0] = b.split('.').map(Number);
  return aMajor !== bMajor ? aMajor - bMajor : aMinor - bMinor;
}

/** DEFAULT_SOCKET is where wharfd listens and the CLI connects when nothing else is said. */
export const DEFAULT_SOCKET = '/run/wharf.sock';
