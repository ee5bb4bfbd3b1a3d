/**
 * Benchmark 4: projection catch-up (a rebuild from the whole log) in events/s.
 *
 * Subject: a fresh `ProjectionRunner` on a new read-model file, started on a `SqliteEventStore` holding the log,
 * timed until `start()` resolves (caught up). Baseline: the same log read with better-sqlite3 and the same rows
 * written into the same tables with the projections' own SQL statements, prepared once, one transaction per 1000
 * events (as the runner's pages), with the same pragmas (the runner's bulk mode for a fresh file: journal in
 * memory, synchronous=OFF, a 16 MiB cache; query indexes built after the load, the file fsynced, then WAL with
 * synchronous=NORMAL) and a checkpoint row per transaction — but without the store port's event objects, the
 * catalogue (upcasting and validating older versions) or the generic operation dispatch. Both results are compared
 * table by table, so the baseline is known to do the same work.
 */
import { closeSync, fsyncSync, openSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@qingmiao/event-store';
import {
  BULK_PRAGMAS,
  createIndexes,
  createTables,
  DURABLE_PRAGMAS,
  ProjectionRunner,
  participationQuery,
  preparePositional,
  projections,
  runPositional,
  type Statement,
} from '@qingmiao/projections';
import Database from 'better-sqlite3';
import {
  bytes,
  type Context,
  formatNumber,
  median,
  rate,
  ratio,
  runsOf,
  type Section,
  table,
  yesNo,
} from './harness.ts';
import type { LogCache, LogInfo } from './log.ts';

function removeDb(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

/** Rows per table of a read-model database, to check that subject and baseline built the same thing. */
function tableCounts(db: Database.Database): Record<string, number> {
  const names = db
    .prepare<[], { name: string }>(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'projection_meta' ORDER BY name",
    )
    .all();
  return Object.fromEntries(
    names.map(({ name }) => [name, (db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n]),
  );
}

/** A digest of what a year's report shows, to compare the two builds beyond row counts. */
function participationDigest(db: Database.Database, year: number): string {
  return JSON.stringify(participationQuery(db)(year, 'SCHOOL'));
}

async function runnerCatchUp(
  logPath: string,
  modelPath: string,
): Promise<{ seconds: number; counts: Record<string, number>; digest: string; size: number }> {
  const store = new SqliteEventStore({ path: logPath });
  removeDb(modelPath);
  const start = performance.now();
  const runner = new ProjectionRunner({ store, path: modelPath, projections });
  await runner.start();
  const seconds = (performance.now() - start) / 1000;
  const counts = tableCounts(runner.db);
  const digest = participationDigest(runner.db, 2000);
  await runner.stop();
  await store.close();
  const size = statSync(modelPath).size;
  removeDb(modelPath);
  return { seconds, counts, digest, size };
}

interface Row {
  position: number;
  type: string;
  data: string;
  metadata: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the hand-written projector reads the JSON it parses without a schema.
type Json = any;

/** The baseline: read every event with better-sqlite3 and run the projections' SQL for it directly. */
function rawCatchUp(
  logPath: string,
  modelPath: string,
): { seconds: number; counts: Record<string, number>; digest: string } {
  removeDb(modelPath);
  const start = performance.now();
  const log = new Database(logPath, { readonly: true });
  const db = new Database(modelPath);
  for (const pragma of BULK_PRAGMAS) db.pragma(pragma);
  createTables(db, projections, { indexes: false });
  db.exec('CREATE TABLE checkpoint (id INTEGER PRIMARY KEY, position INTEGER NOT NULL)');
  db.exec('INSERT INTO checkpoint VALUES (1, -1)');
  // Bound by position, as the runner binds them (better-sqlite3's named binding costs more than a small insert).
  const sql = Object.fromEntries(
    projections.flatMap((projection) =>
      Object.entries<Statement>(projection.statements).map(([name, { sql: text }]) => [
        `${projection.name}.${name}`,
        preparePositional(db, text),
      ]),
    ),
  );
  const run = (name: string, params: Record<string, unknown>) => {
    const statement = sql[name];
    if (!statement) throw new Error(`no statement ${name}`);
    runPositional(statement, params);
  };
  const saveCheckpoint = db.prepare('UPDATE checkpoint SET position = ? WHERE id = 1');
  const page = log.prepare<[number], Row>(
    'SELECT position, type, data, metadata FROM events WHERE position > ? ORDER BY position LIMIT 1000',
  );
  const personKey = (p: Json) => (p.key === undefined ? `|n|${p.name}|${p.grade ?? ''}` : `|k|${p.key}`);
  const participantParams = (entryId: string, seq: number, p: Json, m: Json) => ({
    entryId,
    seq,
    name: p.name,
    role: p.role,
    grade: p.grade ?? null,
    key: p.key ?? null,
    consentBy: p.guardianConsent === true ? m.actor : null,
    consentAt: p.guardianConsent === true ? m.recordedAt : null,
  });
  const intergenerational = (participants: Json[]) => {
    let retired = false;
    let student = false;
    for (const p of participants) {
      if (p.role === 'RETIRED_TEACHER') retired = true;
      else if (p.role === 'STUDENT') student = true;
    }
    return retired && student ? 1 : 0;
  };
  const participants = (entryId: string, schoolId: string, list: Json[], m: Json) => {
    list.forEach((p, seq) => {
      run('entries.insertParticipant', {
        ...participantParams(entryId, seq, p, m),
        schoolId,
        personKey: schoolId + personKey(p),
      });
    });
  };
  const revisedParticipants = (entryId: string, list: Json[], m: Json) => {
    list.forEach((p, seq) => {
      run('entries.reviseParticipant', {
        ...participantParams(entryId, seq, p, m),
        participantId: p.participantId ?? null,
        personKey: personKey(p),
      });
    });
  };
  // An entry's text and files, as submitted or revised (entries of the benchmark's log have none or some).
  const content = (d: Json) => {
    if (d.body !== undefined) run('entries.insertBody', { id: d.entryId, body: d.body });
    (d.attachments ?? []).forEach((file: Json, seq: number) => {
      const params = {
        entryId: d.entryId,
        fileId: file.id,
        name: file.name,
        mediaType: file.mediaType,
        size: file.size,
      };
      run('entries.insertAttachment', { ...params, seq });
      run('entries.recordAttachedFile', params);
    });
  };
  // A campaign's own change, in its timeline (entries' histories are read from the log, not copied).
  const timeline = (row: Row, d: Json, m: Json, said: { closesAt?: string; judge?: string; copiedFrom?: string }) =>
    run('campaignHistory.insertCampaignHistory', {
      campaignId: d.campaignId,
      position: row.position,
      type: row.type,
      at: m.recordedAt,
      actor: m.actor,
      role: m.role,
      closesAt: said.closesAt ?? null,
      reason: null,
      judge: said.judge ?? null,
      copiedFrom: said.copiedFrom ?? null,
    });
  const apply = (row: Row) => {
    const d: Json = JSON.parse(row.data);
    const m: Json = JSON.parse(row.metadata);
    const at = m.recordedAt;
    switch (row.type) {
      case 'SchoolRegistered':
        run('schools.insertSchool', {
          id: d.schoolId,
          name: d.name,
          kind: d.kind,
          town: d.town,
          private: d.private ? 1 : 0,
          at,
        });
        return;
      case 'EnrollmentRecorded':
        run('schools.upsertEnrollment', d);
        return;
      case 'LecturerRegistered':
        run('lecturers.insertLecturer', {
          id: d.lecturerId,
          name: d.name,
          formerSchoolId: d.formerSchoolId,
          topics: JSON.stringify(d.topics),
          at,
        });
        return;
      case 'CampaignCreated': {
        const { campaignId, eligibleSchoolKinds, rubric, blindJudging, requireGuardianConsent, ...rest } = d;
        run('campaigns.insertCampaign', {
          ...rest,
          id: campaignId,
          // Campaigns recorded before blind judging existed are judged blind, as the upcaster reads them.
          blindJudging: blindJudging === false ? 0 : 1,
          requireGuardianConsent: requireGuardianConsent === true ? 1 : 0,
          eligibleSchoolKinds: JSON.stringify(eligibleSchoolKinds),
          rubric: JSON.stringify(rubric),
          at,
        });
        run('campaigns.insertFigures', { id: campaignId });
        timeline(row, d, m, { closesAt: d.closesAt, copiedFrom: d.copiedFrom });
        return;
      }
      case 'CampaignOpened':
        run('campaigns.setStatus', { id: d.campaignId, status: 'OPEN' });
        timeline(row, d, m, {});
        return;
      case 'CampaignClosed':
        run('campaigns.setStatus', { id: d.campaignId, status: 'CLOSED' });
        timeline(row, d, m, {});
        return;
      case 'ResultsPublished':
        run('campaigns.setStatus', { id: d.campaignId, status: 'RESULTS_PUBLISHED' });
        timeline(row, d, m, {});
        return;
      case 'JudgeAssigned':
        run('campaigns.insertJudge', { campaignId: d.campaignId, judge: d.judge, at });
        timeline(row, d, m, { judge: d.judge });
        return;
      case 'EntrySubmitted': {
        const figures = intergenerational(d.participants);
        run('entries.tallySubmitted', { campaignId: d.campaignId, schoolId: d.schoolId, intergenerational: figures });
        run('entries.insertEntry', {
          id: d.entryId,
          campaignId: d.campaignId,
          schoolId: d.schoolId,
          submissionId: d.submissionId,
          title: d.title,
          advisor: d.advisor,
          genre: d.performance?.genre ?? null,
          durationMinutes: d.performance?.durationMinutes ?? null,
          videoLink: d.performance?.videoLink ?? null,
          intergenerational: figures,
          at,
        });
        participants(d.entryId, d.schoolId, d.participants, m);
        content(d);
        return;
      }
      case 'EntryRevised': {
        const figures = intergenerational(d.participants);
        run('entries.retallyContent', { id: d.entryId, intergenerational: figures });
        run('entries.reviseEntry', {
          id: d.entryId,
          title: d.title,
          advisor: d.advisor,
          genre: d.performance?.genre ?? null,
          durationMinutes: d.performance?.durationMinutes ?? null,
          videoLink: d.performance?.videoLink ?? null,
          intergenerational: figures,
          at,
        });
        run('entries.parkParticipants', { id: d.entryId });
        revisedParticipants(d.entryId, d.participants, m);
        run('entries.dropParkedParticipants', { id: d.entryId });
        run('entries.deleteBody', { id: d.entryId });
        run('entries.deleteAttachments', { id: d.entryId });
        content(d);
        return;
      }
      case 'EntryWithdrawn':
        run('entries.untallyWithdrawn', { id: d.entryId });
        run('entries.withdrawEntry', { id: d.entryId, reason: d.reason, at });
        return;
      case 'EntryScored':
        run('entries.upsertScore', {
          entryId: d.entryId,
          judge: d.judge,
          weightedScore: d.weightedScore,
          criteria: JSON.stringify(d.scores),
          comment: d.comment,
          at,
        });
        return;
      case 'JudgeRecused':
        run('entries.recuse', { entryId: d.entryId, judge: d.judge, reason: d.reason });
        run('entries.dropScore', { entryId: d.entryId, judge: d.judge });
        return;
      case 'EntryAwarded':
        run('entries.retallyPrize', { entryId: d.entryId, prize: d.prize });
        run('entries.setPrize', { entryId: d.entryId, prize: d.prize });
        return;
      case 'EntryRated':
        run('entries.setStars', { entryId: d.entryId, stars: d.stars });
        return;
      case 'LectureScheduled':
        run('lectures.insertLecture', d);
        return;
      case 'LectureRescheduled':
        run('lectures.reschedule', d);
        return;
      case 'LectureDelivered':
        run('lectures.tallyDelivered', d);
        run('lectures.deliver', { ...d, at });
        return;
      case 'LectureCancelled':
        run('lectures.untallyCancelled', d);
        run('lectures.cancel', d);
        return;
      default:
        throw new Error(`the raw baseline does not handle ${row.type}`);
    }
  };
  const applyPage = db.transaction((rows: Row[]) => {
    for (const row of rows) apply(row);
    const last = rows.at(-1);
    if (last) saveCheckpoint.run(last.position);
  });
  for (let after = -1; ; ) {
    const rows = page.all(after);
    if (rows.length === 0) break;
    applyPage(rows);
    after = (rows.at(-1) as Row).position;
  }
  // Caught up: as the runner does, build the query indexes, flush the file and switch to the durable mode.
  createIndexes(db, projections);
  const file = openSync(modelPath, 'r+');
  fsyncSync(file);
  closeSync(file);
  for (const pragma of DURABLE_PRAGMAS) db.pragma(pragma);
  db.pragma('shrink_memory');
  const seconds = (performance.now() - start) / 1000;
  log.close();
  db.exec('DROP TABLE checkpoint');
  const counts = tableCounts(db);
  const digest = participationDigest(db, 2000);
  db.close();
  return { seconds, counts, digest };
}

export async function catchUpBenchmark(ctx: Context, logs: LogCache): Promise<Section> {
  const { mode, work } = ctx;
  const events = mode.catchUpEvents;
  const built = performance.now();
  const log: LogInfo = await logs.get(events);
  ctx.log(
    `catch-up: log of ${formatNumber(events)} events ready (${((performance.now() - built) / 1000).toFixed(0)} s)`,
  );
  const logSize = statSync(log.path).size;
  const runner: number[] = [];
  const raw: number[] = [];
  let same = true;
  let differences = '';
  let modelSize = 0;
  const runs = mode.catchUpRuns;
  for (let round = 0; round < runs; round++) {
    const steps = [
      async () => {
        const r = await runnerCatchUp(log.path, join(work, `runner-${round}.db`));
        runner.push(events / r.seconds);
        modelSize = r.size;
        return r;
      },
      async () => {
        const path = join(work, `raw-${round}.db`);
        const r = rawCatchUp(log.path, path);
        raw.push(events / r.seconds);
        return r;
      },
    ];
    const [a, b] = round % 2 === 0 ? [steps[0], steps[1]] : [steps[1], steps[0]];
    const first = await a?.();
    const second = await b?.();
    if (round === 0 && first && second) {
      // Compare what both built: rows per table, and the participation report of the year 2000 row for row.
      const x = JSON.stringify(first.counts);
      const y = JSON.stringify(second.counts);
      if (x !== y || first.digest !== second.digest) {
        same = false;
        differences = x !== y ? `rows per table: ${x} vs ${y}` : 'the participation figures of 2000 differ';
      }
    }
    removeDb(join(work, `raw-${round}.db`));
    ctx.log(
      `catch-up round ${round + 1}/${runs}: runner ${rate(runner.at(-1) ?? Number.NaN)} ev/s, raw ${rate(raw.at(-1) ?? Number.NaN)} ev/s`,
    );
  }
  const subject = median(runner);
  const baseline = median(raw);
  const types = [...log.types].sort((x, y) => y[1] - x[1]);
  const markdown = [
    `A log of ${formatNumber(events)} events (${bytes(logSize)}; ${types
      .slice(0, 6)
      .map(([type, n]) => `${type} ${formatNumber((n / events) * 100, 1)} %`)
      .join(
        ', ',
      )}, … ${types.length} types in all, years ${[...log.perYear.keys()][0]}–${[...log.perYear.keys()].at(-1)}), written with \`SqliteEventStore.append\` in batches. Each of ${runs} rounds times a fresh \`ProjectionRunner\` from construction until \`start()\` resolves (caught up) and the raw baseline, order alternating. Read models: ${bytes(modelSize)}.`,
    '',
    table(
      ['projector', 'events/s (median)', 'runs', 'vs raw'],
      [
        [
          'Qingmiao `ProjectionRunner` (fresh read-model file)',
          rate(subject),
          runsOf(runner),
          ratio(subject, baseline, 'percent'),
        ],
        [
          'raw: better-sqlite3 read + the projections’ SQL, prepared, bound by position, same pragmas, 1 transaction / 1000 events',
          rate(baseline),
          runsOf(raw),
          '100 %',
        ],
      ],
    ),
    '',
    same
      ? 'Both builds have the same number of rows in every table and the same participation report for 2000 (checked in round 1).'
      : `**The raw baseline built different tables**: ${differences}.`,
    '',
    table(
      ['goal', 'figure', 'result'],
      [
        ['≥ 50 % of raw', ratio(subject, baseline, 'percent'), yesNo(subject >= 0.5 * baseline)],
        ['≥ 100k events/s', rate(subject), yesNo(subject >= 100_000)],
      ],
    ),
  ].join('\n');
  return {
    title: '4. Projection catch-up (rebuild)',
    markdown,
    headlines: [
      {
        benchmark: `4. catch-up of ${formatNumber(events)} events`,
        figure: `${rate(subject)} events/s = ${ratio(subject, baseline, 'percent')} of raw (${rate(baseline)}/s)`,
        goal: '≥ 50 % of raw and ≥ 100k events/s',
        met: subject >= 0.5 * baseline && subject >= 100_000,
      },
    ],
  };
}
