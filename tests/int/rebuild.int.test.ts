import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandMeta, Commands } from '@qingmiao/domain';
import { SqliteEventStore } from '@qingmiao/event-store';
import { projections, ReadSide } from '@qingmiao/projections';
import { readModelFileTables } from '@qingmiao/projections/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const organizer: CommandMeta = { actor: { sub: 'office', role: 'organizer' }, correlationId: 'test' };

describe('rebuilding the read models', () => {
  let dir: string;
  let store: SqliteEventStore;
  let live: ReadSide;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qingmiao-rebuild-'));
    store = new SqliteEventStore({ path: join(dir, 'events.db') });
    live = new ReadSide({ store, dir: join(dir, 'live'), projections });
    await live.start();
  });

  afterEach(async () => {
    await live.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives the same tables, row for row, as the incrementally built ones', async () => {
    const commands = new Commands(store);
    // Build the live models while commands arrive in many small batches.
    for (let s = 0; s < 6; s++) {
      await commands.registerSchool(
        { id: `s${s}`, name: `学校${s}`, kind: 'PRIMARY', town: s % 2 ? '城厢镇' : '沙溪镇' },
        organizer,
      );
      await commands.recordEnrollment({ schoolId: `s${s}`, year: 2022, students: 100 + s }, organizer);
    }
    const closesAt = new Date(Date.now() + 3_600_000).toISOString();
    await commands.createCampaign(
      {
        id: 'essay',
        kind: 'ESSAY',
        title: '征文',
        year: 2022,
        opensAt: '2022-01-01T00:00:00+08:00',
        closesAt,
        awardQuota: 0.5,
        rubric: [{ name: '总分', weight: 1, maxScore: 100 }],
      },
      organizer,
    );
    await commands.openCampaign({ id: 'essay' }, organizer);
    await commands.assignJudge({ campaignId: 'essay', judge: 'j1' }, organizer);
    const entryIds = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        commands
          .submitEntry(
            {
              submissionId: randomUUID(),
              campaignId: 'essay',
              schoolId: `s${i % 6}`,
              title: `作品${i}`,
              participants: [
                { name: `学生${i}`, role: 'STUDENT', grade: '五年级' },
                { name: '老教师', role: 'RETIRED_TEACHER' },
              ],
            },
            organizer,
          )
          .then((outcome) => outcome.entryId),
      ),
    );
    const judge: CommandMeta = { actor: { sub: 'j1', role: 'judge' }, correlationId: 'test' };
    await Promise.all(entryIds.slice(0, 8).map((entryId, i) => commands.scoreEntry({ entryId, score: 60 + i }, judge)));
    await commands.reviseEntry({ entryId: entryIds[0], title: '改过的题目' }, organizer);
    await commands.withdrawEntry({ entryId: entryIds[1], reason: '重复' }, organizer);
    await commands.closeCampaign({ id: 'essay' }, organizer);
    const last = await commands.awardEntry({ entryId: entryIds[2], prize: 'FIRST' }, organizer);
    await live.waitFor(last.position);

    const incremental = readModelFileTables(join(dir, 'live', live.generation));
    expect(incremental.entries).toHaveLength(12);
    expect(incremental.scores).toHaveLength(8);

    // A second process's fresh read side, built from the whole log in one catch-up.
    const fresh = new ReadSide({ store, dir: join(dir, 'fresh'), projections });
    await fresh.start();
    expect(readModelFileTables(join(dir, 'fresh', fresh.generation))).toEqual(incremental);
    await fresh.close();

    // And a blue-green rebuild of the live read side switches to an equal generation.
    const previous = live.generation;
    const report = await live.rebuild();
    expect(report.generation).not.toBe(previous);
    expect(readFileSync(join(dir, 'live', 'CURRENT'), 'utf8')).toBe(report.generation);
    expect(readModelFileTables(join(dir, 'live', report.generation))).toEqual(incremental);
  });
});
