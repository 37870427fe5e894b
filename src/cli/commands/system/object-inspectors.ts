import { containerInspectRaw } from '../../../client/containers-admin-api.js';
import type { EngineClient } from '../../../client/engine-client.js';

/** ObjectInspector fetches one kind of object's inspect JSON for `wharf inspect`. */
export interface ObjectInspector {
  /** Object type as `--type` names it. */
  readonly type: string;
  /** Whether `-s/--size` means something for this type (containers only, in docker). */
  readonly sizeSupported: boolean;
  readonly inspect: (client: EngineClient, ref: string, opts: { size: boolean }) => Promise<string>;
}

/** ALL_TYPES are the object types docker's `inspect --type` accepts (its error message lists them). */
export const ALL_TYPES = ['config', 'container', 'image', 'network', 'node', 'plugin', 'secret', 'service', 'task', 'volume'];

/**
 * OBJECT_INSPECTORS are tried in order by `wharf inspect NAME` (docker tries containers first, then images,
 * networks, volumes). Networks and volumes are added here when their milestone lands.
 */
export const OBJECT_INSPECTORS: readonly ObjectInspector[] = [
  { type: 'container', sizeSupported: true, inspect: (client, ref, o) => containerInspectRaw(client, ref, o) },
  { type: 'image', sizeSupported: false, inspect: (client, ref) => client.imageInspectRaw(ref) },
];
