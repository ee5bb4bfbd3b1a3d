import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Projection } from './projection.ts';
import { BUILDING, versionOf } from './runner.ts';

/** How the serving read models were built from the log (recorded since the release that added upgrade-check). */
export interface ReadModelBuild {
  readonly finishedAt: string;
  readonly durationMs: number;
  readonly events: number;
}

/**
 * What the next start will do with a data directory's read models: keep them (`current`), or build them from the
 * whole log because there are none (`missing`: a new data directory, or after a restore), another version of the
 * projections wrote them (`outdated`: an upgrade that changed a read model), or their build never finished
 * (`incomplete`: stopped or crashed during a rebuild).
 */
export interface ReadModelStatus {
  readonly state: 'current' | 'missing' | 'outdated' | 'incomplete';
  readonly rebuildAtStart: boolean;
  /** The projections' version this code writes, and the one the serving file records. */
  readonly version: string;
  readonly recordedVersion?: string;
  /** Log position the serving read models include. */
  readonly position?: string;
  readonly lastBuild?: ReadModelBuild;
}

interface Meta {
  readonly version: string;
  readonly commit_position: bigint;
}

/** The build record of a read-model database; undefined for a file written before builds were recorded. */
export function buildOf(db: Database.Database): ReadModelBuild | undefined {
  try {
    const row = db
      .prepare<[], { finished_at: string | null; duration_ms: number | null; events: number | null }>(
        `SELECT build_finished_at AS finished_at, build_duration_ms AS duration_ms, build_events AS events
         FROM projection_meta WHERE id = 1`,
      )
      .get();
    if (!row || row.finished_at === null || row.duration_ms === null || row.events === null) return undefined;
    return { finishedAt: row.finished_at, durationMs: row.duration_ms, events: row.events };
  } catch (error) {
    if (error instanceof Database.SqliteError && /no such column/.test(error.message)) return undefined;
    throw error;
  }
}

/**
 * Reads (never writes) the read models of `dir` (the data directory's `read-models`), as the projection runner
 * would judge them at the next start; safe while a server is running on them.
 */
export function readModelStatus(dir: string, projections: readonly Projection[]): ReadModelStatus {
  const version = versionOf(projections);
  const pointer = join(dir, 'CURRENT');
  const file = existsSync(pointer) ? join(dir, readFileSync(pointer, 'utf8').trim()) : undefined;
  if (file === undefined || !existsSync(file)) return { state: 'missing', rebuildAtStart: true, version };
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const meta = db
      .prepare<[], Meta>('SELECT version, commit_position FROM projection_meta WHERE id = 1')
      .safeIntegers(true)
      .get();
    if (!meta || meta.version === BUILDING) return { state: 'incomplete', rebuildAtStart: true, version };
    const lastBuild = buildOf(db);
    const state = meta.version === version ? 'current' : 'outdated';
    return {
      state,
      rebuildAtStart: state !== 'current',
      version,
      recordedVersion: meta.version,
      position: String(meta.commit_position),
      ...(lastBuild ? { lastBuild } : {}),
    };
  } catch (error) {
    // What the runner discards as unreadable (e.g. a bulk load cut short by a crash) is rebuilt.
    if (!(error instanceof Database.SqliteError) || /^SQLITE_(BUSY|LOCKED)/.test(error.code)) throw error;
    return { state: 'incomplete', rebuildAtStart: true, version };
  } finally {
    db?.close();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** How long the last build took, in words, or why that is not known. */
function lastBuildText(build: ReadModelBuild | undefined): string {
  if (!build) return 'how long the last build took is not recorded (built by an earlier release)';
  return `the last build took ${seconds(build.durationMs)} for ${build.events} events (finished ${build.finishedAt})`;
}

/**
 * The status in one sentence: for `qingmiao upgrade-check`, about the next start; for the server's start-up log,
 * about the start under way (`now`).
 */
export function describeReadModels(status: ReadModelStatus, when: 'next start' | 'now' = 'next start'): string {
  const from = (verb: 'built' | 'rebuilt') =>
    when === 'now'
      ? `${verb === 'built' ? 'building' : 'rebuilding'} them from the log now, not ready until done`
      : `they will be ${verb} from the log at the next start, which is not ready until then`;
  switch (status.state) {
    case 'current':
      return `read models are up to date (version ${status.version}, log position ${status.position}): kept${when === 'now' ? '' : ' at the next start'}; ${lastBuildText(status.lastBuild)}`;
    case 'outdated':
      return `read models were written by another version (${status.recordedVersion}, this one is ${status.version}): ${from('rebuilt')}; ${lastBuildText(status.lastBuild)}`;
    case 'incomplete':
      return `read models were left half-built (a rebuild stopped or crashed): ${from('rebuilt')}`;
    case 'missing':
      return `no read models yet (a new data directory, or after a restore): ${from('built')}`;
  }
}
