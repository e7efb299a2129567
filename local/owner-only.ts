import { chmod, mkdir } from 'node:fs/promises';

/** Mode of what the local stack writes: its data holds every event, and local mode has no credentials. */
export const OWNER_ONLY_FILE = 0o600;

/** Creates `path` (and its parents) if missing, and makes it a folder only its owner may enter, even if it existed. */
export async function ownerOnlyDir(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  await chmod(path, 0o700);
}
