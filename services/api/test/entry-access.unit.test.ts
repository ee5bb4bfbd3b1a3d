import type { EntryRow, HistoryRow } from '@qingmiao/projections';
import type { Actor, CampaignStatus, EventType } from '@qingmiao/schema';
import { describe, expect, it } from 'vitest';
import { entryAccess, entryScope, visibleEntries } from '../src/graphql/entry-access.ts';

const ORGANIZER: Actor = { sub: 'office', role: 'organizer' };
const SCHOOL: Actor = { sub: 'contact-a', role: 'school', schoolId: 'school-a' };
const OTHER_SCHOOL: Actor = { sub: 'contact-b', role: 'school', schoolId: 'school-b' };
const JUDGE: Actor = { sub: 'judge-wang', role: 'judge' };
const OTHER_JUDGE: Actor = { sub: 'judge-zhao', role: 'judge' };
const VIEWER: Actor = { sub: 'leader', role: 'viewer' };

const ENTRY = { schoolId: 'school-a' };
const campaign = (status: CampaignStatus = 'CLOSED', blindJudging = true) => ({
  status,
  judges: ['judge-li', 'judge-wang'],
  blindJudging,
});

/** The history of an entry scored by two judges, one recused, awarded, rated: every kind of event it can hold. */
const HISTORY: HistoryRow[] = (
  [
    ['EntrySubmitted', 'contact-a'],
    ['EntryRevised', 'contact-a'],
    ['EntryScored', 'judge-wang'],
    ['EntryScored', 'judge-li'],
    ['JudgeRecused', 'judge-li'],
    ['EntryAwarded', 'office'],
    ['AwardRevoked', 'office'],
    ['EntryRated', 'office'],
    ['EntryWithdrawn', 'office'],
  ] as const satisfies readonly (readonly [EventType, string])[]
).map(([type, actor]) => ({
  type,
  actor,
  role: '',
  recordedAt: '',
  data: '{}',
  attachmentsAdded: [],
  attachmentsRemoved: [],
}));

/** The history as `actor` sees it, as [type, actor] pairs. */
function seenBy(actor: Actor, status?: CampaignStatus): string[][] {
  const access = entryAccess(actor, ENTRY, campaign(status));
  if (!access) throw new Error(`${actor.sub} may not read the entry`);
  return HISTORY.filter(access.sees).map((row) => [row.type, row.actor]);
}

describe('entryAccess', () => {
  it('shows organizers everything', () => {
    expect(entryAccess(ORGANIZER, ENTRY, campaign('OPEN'))).toMatchObject({
      participants: true,
      scores: 'all',
      results: true,
    });
    expect(seenBy(ORGANIZER)).toHaveLength(HISTORY.length);
  });

  it("shows a school its own entry and participants, and nothing of another school's", () => {
    expect(entryAccess(SCHOOL, ENTRY, campaign())).toMatchObject({ participants: true, scores: 'none' });
    expect(entryAccess(OTHER_SCHOOL, ENTRY, campaign())).toBeUndefined();
  });

  it.each(['OPEN', 'CLOSED', 'CANCELLED'] as const)(
    'shows a school none of the judging or results while the campaign is %s',
    (status) => {
      expect(entryAccess(SCHOOL, ENTRY, campaign(status))?.results).toBe(false);
      expect(seenBy(SCHOOL, status)).toEqual([
        ['EntrySubmitted', 'contact-a'],
        ['EntryRevised', 'contact-a'],
        ['EntryWithdrawn', 'office'],
      ]);
    },
  );

  it('shows a school the results once published, and still no judge’s score or recusal', () => {
    expect(entryAccess(SCHOOL, ENTRY, campaign('RESULTS_PUBLISHED'))).toMatchObject({ scores: 'none', results: true });
    expect(seenBy(SCHOOL, 'RESULTS_PUBLISHED')).toEqual([
      ['EntrySubmitted', 'contact-a'],
      ['EntryRevised', 'contact-a'],
      ['EntryAwarded', 'office'],
      ['AwardRevoked', 'office'],
      ['EntryRated', 'office'],
      ['EntryWithdrawn', 'office'],
    ]);
  });

  it('shows a judge of the campaign their own judging only, no participants, results once published', () => {
    expect(entryAccess(JUDGE, ENTRY, campaign())).toMatchObject({ participants: false, scores: 'own', results: false });
    expect(seenBy(JUDGE)).toEqual([['EntryScored', 'judge-wang']]);
    expect(entryAccess(JUDGE, ENTRY, campaign('RESULTS_PUBLISHED'))?.results).toBe(true);
    expect(seenBy(JUDGE, 'RESULTS_PUBLISHED')).toEqual([['EntryScored', 'judge-wang']]);
  });

  it('shows a judge of another campaign and a viewer nothing', () => {
    expect(entryAccess(OTHER_JUDGE, ENTRY, campaign())).toBeUndefined();
    expect(entryAccess(VIEWER, ENTRY, campaign('RESULTS_PUBLISHED'))).toBeUndefined();
  });

  it('hides event types it does not know from everyone but organizers', () => {
    const unknown = {
      ...HISTORY[0],
      type: 'SomethingNewer',
      actor: 'judge-wang',
      role: 'judge',
    } as HistoryRow;
    for (const actor of [SCHOOL, JUDGE]) {
      expect(entryAccess(actor, ENTRY, campaign('RESULTS_PUBLISHED'))?.sees(unknown)).toBe(false);
    }
    expect(entryAccess(ORGANIZER, ENTRY, campaign())?.sees(unknown)).toBe(true);
  });
});

describe('visibleEntries', () => {
  const ROW: EntryRow = {
    id: 'essay:00000000-0000-4000-8000-000000000001',
    campaignId: 'essay',
    schoolId: 'school-a',
    submissionId: 'school-a-essay-1',
    title: '爷爷的勋章',
    advisor: '王老师',
    genre: null,
    durationMinutes: null,
    videoLink: null,
    intergenerational: false,
    status: 'WITHDRAWN',
    prize: null,
    stars: null,
    meanScore: null,
    scoreCount: 0,
    withdrawReason: '实验小学撤回',
    submittedAt: '2022-05-01T00:00:00.000Z',
    updatedAt: '2022-05-02T00:00:00.000Z',
    participants: [{ name: '李小明', role: 'STUDENT', grade: '五年级', key: null, guardianConsent: null }],
    attachments: [
      { id: 'a'.repeat(64), name: '实验小学-李小明.pdf', mediaType: 'application/pdf', size: 1 },
      {
        id: 'b'.repeat(64),
        name: '实验小学.docx',
        mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        size: 2,
      },
      { id: 'c'.repeat(64), name: 'IMG_0001.JPG', mediaType: 'image/jpeg', size: 3 },
    ],
  };

  it('shows a judge of a campaign judged blind an anonymous entry with neutral file names', () => {
    const [seen] = visibleEntries(JUDGE, campaign(), [ROW]);
    expect(seen).toMatchObject({
      id: ROW.id,
      title: ROW.title,
      schoolId: null,
      submissionId: null,
      advisor: null,
      withdrawReason: null,
      participants: [],
      attachments: [
        { id: 'a'.repeat(64), name: '作品-1.pdf', mediaType: 'application/pdf', size: 1 },
        { id: 'b'.repeat(64), name: '作品-2.docx' },
        { id: 'c'.repeat(64), name: '作品-3.jpg' },
      ],
    });
    const shown = JSON.stringify(seen);
    for (const secret of ['school-a', '王老师', '李小明', '实验小学', 'IMG_0001']) expect(shown).not.toContain(secret);
  });

  it('shows judges the school and files of a campaign not judged blind, organizers and schools always', () => {
    expect(visibleEntries(JUDGE, campaign('CLOSED', false), [ROW])[0]).toMatchObject({
      schoolId: 'school-a',
      advisor: '王老师',
      attachments: ROW.attachments,
    });
    for (const reader of [ORGANIZER, SCHOOL]) {
      expect(visibleEntries(reader, campaign(), [ROW])[0]).toMatchObject({ ...ROW, access: { blind: false } });
    }
  });
});

describe('entryScope', () => {
  it('lists every entry to organizers and the campaign’s judges, a school its own, others none', () => {
    expect(entryScope(ORGANIZER, campaign())).toEqual({});
    expect(entryScope(JUDGE, campaign())).toEqual({});
    expect(entryScope(SCHOOL, campaign())).toEqual({ schoolId: 'school-a' });
    expect(entryScope(OTHER_JUDGE, campaign())).toBeUndefined();
    expect(entryScope(VIEWER, campaign())).toBeUndefined();
  });
});
