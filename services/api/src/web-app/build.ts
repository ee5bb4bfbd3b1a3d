import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The web app (services/web) built by Vite for the server to serve. `npm start` runs from the sources: the app is
 * built before the server listens when its sources changed since the last build (a content hash of the sources,
 * their config and the lock file names the build's folder), which takes a few seconds with Vite 8. Several servers
 * starting at once (tests) take turns through a lock file; a build goes to a temporary folder that is renamed into
 * place, so a reader never sees half a build. The production bundle carries a build made by `npm run build`.
 */

const REPOSITORY = fileURLToPath(new URL('../../../../', import.meta.url));
const WEB = join(REPOSITORY, 'services', 'web');
/**
 * Where builds from the sources go, one folder per content hash: a tool cache (git ignores it), apart from
 * services/web/dist, which `vite build` empties.
 */
const BUILDS = join(WEB, 'node_modules', '.cache', 'qingmiao-builds');
/** What the app's output depends on besides node_modules: its sources and config, the shared schema, the lock. */
const INPUTS = [
  join(WEB, 'src'),
  join(WEB, 'index.html'),
  join(WEB, 'vite.config.ts'),
  join(WEB, 'package.json'),
  join(REPOSITORY, 'schema', 'src'),
  join(REPOSITORY, 'package-lock.json'),
];
/** A lock older than this was left by a build that died. */
const STALE_LOCK_MS = 120_000;

function filesOf(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => filesOf(join(path, entry.name)));
}

/** The content hash of everything the build reads from the repository. */
function webSourceHash(): string {
  const hash = createHash('sha256');
  for (const file of INPUTS.flatMap(filesOf)) {
    hash.update(relative(REPOSITORY, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** Runs `vite build` for services/web into `outDir` (synchronously: the server waits for it before listening). */
export function buildWebApp(outDir: string): void {
  const vite = join(createRequire(join(WEB, 'package.json')).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  execFileSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
    cwd: WEB,
    // Vite builds for the NODE_ENV it finds; a server started under test must still serve a production build.
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Takes the build lock, or says it is held by a live build. */
function tryLock(lock: string): boolean {
  try {
    closeSync(openSync(lock, 'wx'));
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) unlinkSync(lock);
    } catch {
      // released meanwhile
    }
    return false;
  }
}

/** Builds older than the current one, except the newest few (servers still running may be serving them). */
function pruneOldBuilds(builds: string, keep: string): void {
  const older = readdirSync(builds, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && /^[0-9a-f]{16}$/.test(entry.name) && entry.name !== keep)
    .map((entry) => ({ path: join(builds, entry.name), at: statSync(join(builds, entry.name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const old of older.slice(2)) rmSync(old.path, { recursive: true, force: true });
}

/**
 * The folder of a build of the current sources, built now if there is none yet. `builds`: where builds are kept
 * (tests use their own).
 */
export function webAppFromSources(builds = BUILDS): string {
  const hash = webSourceHash();
  const target = join(builds, hash);
  mkdirSync(builds, { recursive: true });
  const lock = join(builds, `${hash}.lock`);
  const deadline = Date.now() + STALE_LOCK_MS;
  while (!existsSync(join(target, 'index.html'))) {
    if (!tryLock(lock)) {
      if (Date.now() > deadline) throw new Error(`the web app's build ${hash} did not finish (lock ${lock})`);
      sleepSync(100);
      continue;
    }
    try {
      if (existsSync(join(target, 'index.html'))) break;
      const temporary = join(builds, `.${hash}-${process.pid}`);
      buildWebApp(temporary);
      writeFileSync(join(temporary, 'source-hash.txt'), `${hash}\n`);
      rmSync(target, { recursive: true, force: true });
      renameSync(temporary, target);
      pruneOldBuilds(builds, hash);
    } finally {
      rmSync(lock, { force: true });
    }
  }
  return target;
}

/**
 * The built app to serve: `web/` next to the production bundle (made by build.ts), else a build of the sources
 * (made now when stale).
 */
export function prepareWebApp(): string {
  const bundled = fileURLToPath(new URL('./web/', import.meta.url));
  if (existsSync(join(bundled, 'index.html'))) return bundled;
  if (!existsSync(join(WEB, 'package.json'))) {
    throw new Error(`the web app is not built: ${bundled} is missing (npm run build makes it)`);
  }
  return webAppFromSources();
}
