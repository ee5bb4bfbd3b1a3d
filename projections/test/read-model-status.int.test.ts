import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@qingmiao/event-store';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeReadModels, readModelStatus } from '../src/read-model-status.ts';
import { projections } from '../src/read-models/index.ts';
import { ReadSide } from '../src/read-side.ts';
import { campaignCreated } from './samples.ts';
import { ORGANIZER, toAppend } from './to-append.ts';

/** What `qingmiao upgrade-check` and the start-up log say, against real read-model files built from a real log. */
let dir: string;
let store: SqliteEventStore;
let readModels: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-status-'));
  store = new SqliteEventStore({ path: join(dir, 'events.db'), pollIntervalMs: 10 });
  readModels = join(dir, 'read-models');
  for (let n = 0; n < 5; n++) {
    await store.append(`campaign-${n}`, [toAppend(campaignCreated(`essay-${n}`), ORGANIZER, Date.now())], {
      expectedRevision: 'no_stream',
    });
  }
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function build(): Promise<ReadSide> {
  const readSide = new ReadSide({ store, dir: readModels, projections });
  await readSide.start();
  return readSide;
}

/** The serving generation's file. */
const servingFile = (readSide: ReadSide) => join(readModels, readSide.generation);

describe('readModelStatus', () => {
  it('says a new data directory builds its read models at start, and records how that build went', async () => {
    const before = readModelStatus(readModels, projections);
    expect(before).toMatchObject({ state: 'missing', rebuildAtStart: true });
    expect(describeReadModels(before)).toMatch(/no read models yet .* built from the log at the next start/);
    expect(describeReadModels(before, 'now')).toMatch(/no read models yet .*: building them from the log now/);

    const readSide = await build();
    expect(readSide.lastBuild).toMatchObject({ events: 5 });
    expect(readSide.lastBuild?.durationMs).toBeGreaterThanOrEqual(0);
    // Read while the read side has the file open, as upgrade-check does beside a running server.
    const after = readModelStatus(readModels, projections);
    expect(after).toMatchObject({ state: 'current', rebuildAtStart: false, position: '5', lastBuild: { events: 5 } });
    expect(after.recordedVersion).toBe(after.version);
    expect(describeReadModels(after)).toMatch(
      /up to date .* kept at the next start; the last build took \d+\.\d s for 5 events/,
    );
    await readSide.close();
  });

  it('says read models of other projections are rebuilt, and keeps the figure of their last build', async () => {
    const readSide = await build();
    await readSide.close();
    const changed = projections.map((projection, index) =>
      index === 0 ? { ...projection, version: projection.version + 1 } : projection,
    );
    const status = readModelStatus(readModels, changed);
    expect(status).toMatchObject({ state: 'outdated', rebuildAtStart: true, lastBuild: { events: 5 } });
    expect(status.recordedVersion).not.toBe(status.version);
    expect(describeReadModels(status)).toMatch(/written by another version .* rebuilt from the log/);
  });

  it('says a file from before builds were recorded has no figure, and a half-built or unreadable one is rebuilt', async () => {
    const readSide = await build();
    const file = servingFile(readSide);
    await readSide.close();
    const db = new Database(file);
    db.exec('ALTER TABLE projection_meta DROP COLUMN build_finished_at');
    db.close();
    const old = readModelStatus(readModels, projections);
    expect(old).toMatchObject({ state: 'current', rebuildAtStart: false });
    expect(old.lastBuild).toBeUndefined();
    expect(describeReadModels(old)).toMatch(/not recorded \(built by an earlier release\)/);

    const halfBuilt = new Database(file);
    halfBuilt.prepare("UPDATE projection_meta SET version = 'building'").run();
    halfBuilt.close();
    expect(readModelStatus(readModels, projections)).toMatchObject({ state: 'incomplete', rebuildAtStart: true });

    writeFileSync(file, 'not a database');
    expect(readModelStatus(readModels, projections)).toMatchObject({ state: 'incomplete', rebuildAtStart: true });
  });
});
