import type { DomainEvent, EventMetadata, EventOf } from '@qingmiao/schema';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createApplier, createTables } from '../src/apply.ts';
import { erasedFilesProjection } from '../src/read-models/erased-files.ts';
import { projections, readModelQueries } from '../src/read-models/index.ts';
import { campaignCreated } from './samples.ts';

const CAMPAIGN = 'medal-essay-2022';
const LATER = 'medal-essay-2023';
const SCHOOL = 'xinhua-primary';
const entryId = (n: number, campaignId = CAMPAIGN) =>
  `${campaignId}:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ESSAY = 'a'.repeat(64);
const PHOTO = 'b'.repeat(64);
const SHARED = 'c'.repeat(64);

const metadata: EventMetadata = {
  actor: 'organizer-1',
  role: 'organizer',
  correlationId: 'req-1',
  recordedAt: '2022-05-20T09:30:00.000Z',
  schemaVersion: 1,
};

const attachments = (ids: readonly string[]) =>
  ids.map((id) => ({ id, name: '林小雨的作文.pdf', mediaType: 'application/pdf' as const, size: 10 }));

const submitted = (n: number, files: readonly string[], campaignId = CAMPAIGN): EventOf<'EntrySubmitted'> => ({
  type: 'EntrySubmitted',
  data: {
    campaignId,
    entryId: entryId(n, campaignId),
    submissionId: `sub-${n}`,
    schoolId: SCHOOL,
    title: `作品 ${n}`,
    participants: [{ name: '林小雨', role: 'STUDENT' }],
    advisor: null,
    performance: null,
    ...(files.length === 0 ? {} : { attachments: attachments(files) }),
  },
});

const revised = (n: number, files: readonly string[]): EventOf<'EntryRevised'> => {
  const { submissionId: _, ...data } = submitted(n, files).data;
  return { type: 'EntryRevised', data };
};

const erasedEntry = (n: number): EventOf<'EntryPersonalDataErased'> => ({
  type: 'EntryPersonalDataErased',
  data: { campaignId: CAMPAIGN, entryId: entryId(n), reason: '监护人申请' },
});

const setUp: DomainEvent[] = [
  campaignCreated(CAMPAIGN),
  { ...campaignCreated(LATER), data: { ...campaignCreated(LATER).data, year: 2023 } },
];

describe('the erased files projection', () => {
  it('holds every file an entry event lists, and erases an entry’s or a year’s files at the event’s position', () => {
    const { handle } = erasedFilesProjection;
    expect(handle(submitted(1, [ESSAY, PHOTO]), { metadata, position: 7n })).toEqual([
      { statement: 'holdFile', params: { entryId: entryId(1), fileId: ESSAY } },
      { statement: 'holdFile', params: { entryId: entryId(1), fileId: PHOTO } },
    ]);
    expect(handle(submitted(1, []), { metadata, position: 7n })).toEqual([]);
    expect(handle(erasedEntry(1), { metadata, position: 9n })).toEqual([
      { statement: 'eraseFiles', params: { position: 9n, entryId: entryId(1), year: null } },
    ]);
    const expiry: DomainEvent = { type: 'PersonalDataExpired', data: { year: 2022, retentionYears: 3 } };
    expect(handle(expiry, { metadata, position: 10n })).toEqual([
      { statement: 'eraseFiles', params: { position: 10n, entryId: null, year: 2022 } },
    ]);
  });

  it('leaves the files when a participant is erased: they are the entry’s', () => {
    const erasure: DomainEvent = {
      type: 'ParticipantErased',
      data: { schoolId: SCHOOL, participantId: 'p_child', reason: '监护人申请' },
    };
    expect(erasedFilesProjection.handles.ParticipantErased).toBeUndefined();
    expect(erasedFilesProjection.handle(erasure, { metadata, position: 3n })).toEqual([]);
  });
});

describe('erased files in the read models', () => {
  const databases: Database.Database[] = [];
  afterEach(() => {
    for (const db of databases.splice(0)) db.close();
  });

  /** The read models (in memory) after `events`, the first at position 1. */
  function read(events: readonly DomainEvent[]) {
    const db = new Database(':memory:');
    databases.push(db);
    createTables(db, projections);
    const applier = createApplier(db, projections);
    db.transaction(() => {
      events.forEach((event, index) => {
        applier.apply(event, metadata, BigInt(index + 1));
      });
    })();
    return readModelQueries(db);
  }

  it('erases the files an entry carries and once carried; other entries’ files stay', () => {
    const events = [...setUp, submitted(1, [ESSAY]), revised(1, [PHOTO]), submitted(2, [SHARED]), erasedEntry(1)];
    const models = read(events);
    expect(models.isFileErased(entryId(1), ESSAY)).toBe(true);
    expect(models.isFileErased(entryId(1), PHOTO)).toBe(true);
    expect(models.isFileErased(entryId(2), SHARED)).toBe(false);
    expect(models.isFileHeld(ESSAY)).toBe(false);
    expect(models.isFileHeld(SHARED)).toBe(true);
    const at = BigInt(events.length);
    expect(models.erasedFilesToDelete(0n)).toEqual([
      { fileId: ESSAY, erasedAt: at },
      { fileId: PHOTO, erasedAt: at },
    ]);
    // Erasures up to a position are those already done.
    expect(models.erasedFilesToDelete(at)).toEqual([]);
  });

  it('keeps bytes shared by several entries until the last entry holding them is erased', () => {
    const twoHolders = [...setUp, submitted(1, [SHARED]), submitted(2, [SHARED]), erasedEntry(1)];
    expect(read(twoHolders).erasedFilesToDelete(0n)).toEqual([]);
    expect(read(twoHolders).isFileErased(entryId(1), SHARED)).toBe(true);
    expect(read(twoHolders).isFileHeld(SHARED)).toBe(true);
    const both = [...twoHolders, erasedEntry(2)];
    expect(read(both).erasedFilesToDelete(0n)).toEqual([{ fileId: SHARED, erasedAt: BigInt(both.length) }]);
  });

  it('keeps a file erased when a revision after the erasure carries it forward', () => {
    const events = [...setUp, submitted(1, [ESSAY]), erasedEntry(1), revised(1, [ESSAY])];
    const models = read(events);
    expect(models.isFileErased(entryId(1), ESSAY)).toBe(true);
    expect(models.isFileHeld(ESSAY)).toBe(false);
  });

  it('holds the same bytes anew for an entry that attaches them after the erasure', () => {
    const erased = [...setUp, submitted(1, [ESSAY]), erasedEntry(1)];
    const events = [...erased, submitted(2, [ESSAY])];
    const models = read(events);
    expect(models.isFileErased(entryId(2), ESSAY)).toBe(false);
    expect(models.isFileHeld(ESSAY)).toBe(true);
    expect(models.erasedFilesToDelete(0n)).toEqual([]);
  });

  it('erases the files of every entry of a year when its personal data expires', () => {
    const expiry: DomainEvent = { type: 'PersonalDataExpired', data: { year: 2022, retentionYears: 3 } };
    const events = [...setUp, submitted(1, [ESSAY]), submitted(2, [PHOTO], LATER), expiry];
    const models = read(events);
    expect(models.isFileErased(entryId(1), ESSAY)).toBe(true);
    expect(models.isFileErased(entryId(2, LATER), PHOTO)).toBe(false);
    expect(models.erasedFilesToDelete(0n)).toEqual([{ fileId: ESSAY, erasedAt: BigInt(events.length) }]);
  });
});
