// TEST-ONLY: container records for unit tests. Only *.test.ts files may import this module.
import { validateCreateRequest } from '../../../core/container/create-config.js';
import { mergeImageConfig } from '../../../core/container/process-args.js';
import type { DataRootLayout } from '../../../core/layout.js';
import type { Digest } from '../../../common/digest.js';
import { initialState, type ContainerRecord, type ContainerState } from '../container-record.js';

const TEST_HOST = { cpuCount: 4, capabilities: [], pathExists: () => true };

/** IMAGE_ID is the image every test record names. */
export const IMAGE_ID = `sha256:${'ab'.repeat(32)}` as Digest;

/** testId returns a deterministic 64-hex container ID from a small number. */
export function testId(n: number): string {
  return n.toString(16).padStart(4, '0').repeat(16);
}

/** testRecord builds a valid record for `id` named `name`; `body` is a Docker create body. */
export function testRecord(
  layout: DataRootLayout,
  id: string,
  name: string,
  opts: { body?: Record<string, unknown>; state?: Partial<ContainerState>; created?: string } = {},
): ContainerRecord {
  const { warnings: _w, ...spec } = validateCreateRequest({ Image: 'busybox', Cmd: ['sh'], ...opts.body }, '1.50', TEST_HOST);
  return {
    version: 1,
    id,
    name,
    created: opts.created ?? new Date().toISOString(),
    image: spec.image,
    imageId: IMAGE_ID,
    platform: 'linux/amd64',
    spec,
    hostConfig: (opts.body?.HostConfig as Record<string, unknown> | undefined) ?? {},
    config: mergeImageConfig({ ...spec, warnings: [] }, undefined),
    hostname: id.slice(0, 12),
    state: { ...initialState(), ...opts.state },
    paths: {
      bundle: `/run/wharf-test/${id}`,
      rootfs: `/run/wharf-test/${id}/rootfs`,
      upper: layout.containerUpper(id),
      work: layout.containerWork(id),
      logPath: layout.containerLog(id),
      hostnamePath: layout.containerHostname(id),
      hostsPath: layout.containerHosts(id),
      resolvConfPath: layout.containerResolvConf(id),
    },
    manuallyStopped: false,
  };
}
