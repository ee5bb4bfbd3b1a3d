import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandMeta, Commands } from '@qingmiao/domain';
import { ProjectionRunner, projections, ReadSide } from '@qingmiao/projections';
import { readModelFileTables } from '@qingmiao/projections/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EventLogSettings, openEventLog } from '../src/event-log.ts';
import { buildInChildProcess } from '../src/read-model-build-process.ts';

const organizer: CommandMeta = { actor: { sub: 'office', role: 'organizer' }, correlationId: 'test' };
const MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

/** A log with sealed personal data: schools, a campaign and entries whose participants only the keys open. */
async function recordLog(settings: EventLogSettings): Promise<void> {
  const personalData = openEventLog(settings);
  const commands = new Commands(personalData.store, { participantId: personalData.participantId });
  try {
    for (let s = 0; s < 3; s++) {
      await commands.registerSchool({ id: `s${s}`, name: `学校${s}`, kind: 'PRIMARY', town: '沙溪镇' }, organizer);
    }
    await commands.createCampaign(
      {
        id: 'essay',
        kind: 'ESSAY',
        title: '征文',
        year: 2022,
        opensAt: '2022-01-01T00:00:00+08:00',
        closesAt: new Date(Date.now() + 3_600_000).toISOString(),
        awardQuota: 0.5,
        rubric: [{ name: '总分', weight: 1, maxScore: 100 }],
      },
      organizer,
    );
    await commands.openCampaign({ id: 'essay' }, organizer);
    for (let i = 0; i < 6; i++) {
      await commands.submitEntry(
        {
          submissionId: `submission-${i}`,
          campaignId: 'essay',
          schoolId: `s${i % 3}`,
          title: `作品${i}`,
          participants: [{ name: `学生${i}`, role: 'STUDENT', grade: '五年级' }],
        },
        organizer,
      );
    }
  } finally {
    await personalData.store.close();
  }
}

describe('building fresh read models in a child process', () => {
  let dir: string;
  let settings: EventLogSettings;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qingmiao-build-process-'));
    settings = { dataDir: dir, eventStore: 'sqlite', keyStore: undefined, masterKey: MASTER_KEY, production: false };
    await recordLog(settings);
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the same tables, names opened, as a build in this process, and then follows the log', async () => {
    const { store } = openEventLog(settings);
    const here = new ReadSide({ store, dir: join(dir, 'here'), projections });
    const peaks: number[] = [];
    const inChild = new ReadSide({
      store,
      dir: join(dir, 'child'),
      projections,
      buildFresh: buildInChildProcess(settings, {
        unknownEvent: () => undefined,
        built: (peakRssBytes) => peaks.push(peakRssBytes),
      }),
    });
    // What a build cut short by kill -9 would have left.
    writeFileSync(join(dir, 'child', '1000.db'), 'half-built');
    try {
      await Promise.all([here.start(), inChild.start()]);
      expect(inChild.caughtUp).toBe(true);
      expect(readdirSync(join(dir, 'child'))).not.toContain('1000.db');
      expect(inChild.lastBuild?.events).toBe(here.lastBuild?.events);
      // The build process's peak in bytes (its maxRSS is in KiB): a Node process with tsx and SQLite is tens of MiB.
      expect(peaks).toHaveLength(1);
      expect(peaks[0]).toBeGreaterThan(20 * 2 ** 20);
      expect(peaks[0]).toBeLessThan(2 ** 30);
      const built = readModelFileTables(join(dir, 'child', inChild.generation));
      expect(JSON.stringify(built)).toContain('学生5');
      expect(built).toEqual(readModelFileTables(join(dir, 'here', here.generation)));

      const commands = new Commands(store);
      const { position } = await commands.registerSchool(
        { id: 'later', name: '后来的学校', kind: 'PRIMARY', town: '城厢镇' },
        organizer,
      );
      await inChild.waitFor(position);
      expect(inChild.read.school('later')?.name).toBe('后来的学校');
    } finally {
      await here.close();
      await inChild.close();
      await store.close();
    }
  });

  it('fails as a build in this process fails: with the wrong master key, names cannot be opened', async () => {
    const wrong = { ...settings, masterKey: Buffer.alloc(32, 9).toString('base64') };
    const { store } = openEventLog(wrong);
    const runner = new ProjectionRunner({ store, projections, path: join(dir, 'here.db') });
    const failure = await runner.start().then(
      () => undefined,
      (error: unknown) => error,
    );
    await runner.stop();
    await store.close();
    expect(failure).toBeInstanceOf(Error);

    const build = buildInChildProcess(wrong, { unknownEvent: () => undefined })(join(dir, 'child.db'));
    await expect(build.done).rejects.toThrow((failure as Error).message);
  });

  it('ends the process when stopped, without a failure', async () => {
    const build = buildInChildProcess(settings, { unknownEvent: () => undefined })(join(dir, 'child.db'));
    await build.stop();
    await expect(build.done).resolves.toBeTypeOf('boolean');
  });

  it('rebuilds blue-green in the child process too, taking in what was recorded meanwhile', async () => {
    const { store } = openEventLog(settings);
    const builds: string[] = [];
    const inChild = buildInChildProcess(settings, { unknownEvent: () => undefined });
    const readSide = new ReadSide({
      store,
      dir: join(dir, 'child'),
      projections,
      buildFresh: (path) => {
        builds.push(path);
        return inChild(path);
      },
    });
    try {
      await readSide.start();
      const before = readSide.generation;
      const commands = new Commands(store);
      // Recorded while the child process builds: the new generation follows the log from where the build ended.
      const [report, meanwhile] = await Promise.all([
        readSide.rebuild(),
        commands.registerSchool({ id: 'meanwhile', name: '重建时的学校', kind: 'PRIMARY', town: '城厢镇' }, organizer),
      ]);
      expect(builds).toEqual([join(dir, 'child', before), join(dir, 'child', report.generation)]);
      expect(report.generation).not.toBe(before);
      expect(readSide.generation).toBe(report.generation);
      await readSide.waitFor(meanwhile.position);
      expect(readSide.read.school('meanwhile')?.name).toBe('重建时的学校');
      const rebuilt = readModelFileTables(join(dir, 'child', report.generation));
      expect(JSON.stringify(rebuilt)).toContain('学生5');

      // The same tables as a build of the whole log in this process.
      const here = new ReadSide({ store, dir: join(dir, 'here'), projections });
      await here.start();
      await here.waitFor(meanwhile.position);
      expect(rebuilt).toEqual(readModelFileTables(join(dir, 'here', here.generation)));
      await here.close();
    } finally {
      await readSide.close();
      await store.close();
    }
  });

  it('stops a rebuild in the child process when the read side closes, leaving no file behind', async () => {
    const { store } = openEventLog(settings);
    const readSide = new ReadSide({
      store,
      dir: join(dir, 'child'),
      projections,
      buildFresh: buildInChildProcess(settings, { unknownEvent: () => undefined }),
    });
    await readSide.start();
    const serving = readSide.generation;
    const rebuild = readSide.rebuild().then(
      (report) => report.generation,
      (error: unknown) => String(error),
    );
    await readSide.close();
    await store.close();
    const outcome = await rebuild;
    // Either it finished before the stop reached the process, or it was stopped and its file removed.
    const left = readdirSync(join(dir, 'child')).filter((name) => name.endsWith('.db'));
    if (outcome.includes('closing')) expect(left).toEqual([serving]);
    else expect(left).toContain(outcome);
  });
});
