import type { Digest } from '../../common/digest.js';

/** ImageUser is a container that uses an image, as rmi needs to know it. */
export interface ImageUser {
  readonly id: string;
  readonly running: boolean;
}

/**
 * ImageUsers tells the image use-cases which containers use an image, so `rmi` and prune refuse to remove it the way
 * Docker does (a running container: cannot be forced; a stopped one: must be forced). The containers service
 * implements it; until containers exist the daemon passes NO_IMAGE_USERS.
 */
export interface ImageUsers {
  /** containersUsing lists the containers created from an image, running ones first. */
  containersUsing(imageId: Digest): Promise<readonly ImageUser[]>;
}

/** NO_IMAGE_USERS is the ImageUsers of a daemon without containers: nothing uses any image. */
export const NO_IMAGE_USERS: ImageUsers = {
  containersUsing: async () => [],
};
