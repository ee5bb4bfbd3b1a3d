import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { STAGING } from './blob-layout.ts';

/** Staged files this old are leftovers of a crash or an abandoned upload: no upload takes a day. */
export const STALE_STAGED_MS = 24 * 60 * 60 * 1000;

/**
 * Makes `<root>/.staging` (owner only) and removes what a crash left there more than a day ago. Younger files stay:
 * another process on the same data dir (the server, while a CLI command opens the store) may be writing them now.
 */
export function prepareStagingDir(root: string, now = Date.now()): string {
  const dir = join(root, STAGING);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_STAGED_MS) rmSync(path, { recursive: true, force: true });
    } catch (error) {
      // Gone meanwhile: removed by another process sweeping, or put away by its upload.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return dir;
}

/** Refuses a staged path outside the staging folder: it could be on another disk, and `put` consumes it. */
export function checkStaged(stagingDir: string, stagedPath: string): string {
  const path = resolve(stagedPath);
  const inside = relative(resolve(stagingDir), path);
  if (inside === '' || inside.split(sep)[0] === '..' || isAbsolute(inside)) {
    throw new TypeError(`staged file ${stagedPath} is not in the staging folder ${stagingDir}`);
  }
  return path;
}
