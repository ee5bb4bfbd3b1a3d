import type { EventOf, SubmitEntryInput } from '@qingmiao/schema';
import { describe, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { CampaignNotOpen, Conflict, Forbidden, InvalidInput, NotFound } from '../src/errors.ts';
import {
  asXinhua,
  asYucai,
  CAMPAIGN,
  cancelled,
  closed,
  created,
  entryId,
  opened,
  submission,
  submitted,
  withdrawn,
  XINHUA,
} from './campaign-fixtures.ts';
import { given, onField } from './given-when-then.ts';

type ReviseInput = Extract<CampaignCommand, { type: 'ReviseEntry' }>['input'];
type Revised = Omit<EventOf<'EntryRevised'>['data'], 'campaignId' | 'entryId'>;

const ENTRY = entryId('sub-1');

const revise = (changes: Partial<Omit<ReviseInput, 'entryId'>> = {}, submissionId = 'sub-1'): CampaignCommand => ({
  type: 'ReviseEntry',
  input: {
    entryId: entryId(submissionId),
    title: undefined,
    participants: undefined,
    advisor: undefined,
    performance: undefined,
    body: undefined,
    attachmentIds: undefined,
    ...changes,
  },
  attachments: [],
});

/** The entry's whole content after a revision: what was submitted, with `changes` applied. */
const revised = (changes: Partial<Revised> = {}, original: Partial<SubmitEntryInput> = {}): CampaignEvent => {
  const { title, participants, advisor, performance } = submission(original);
  return {
    type: 'EntryRevised',
    data: {
      campaignId: CAMPAIGN,
      entryId: ENTRY,
      schoolId: XINHUA.id,
      title,
      participants,
      advisor: advisor ?? null,
      performance: performance ?? null,
      ...changes,
    },
  };
};

const running = [created(), opened(), submitted()];
const NEW_PARTICIPANTS = [
  { name: '张小明', role: 'STUDENT' as const, grade: '五年级' },
  { name: '张建国', role: 'RETIRED_TEACHER' as const },
];

describe('ReviseEntry', () => {
  it('changes the title and keeps the rest as submitted', () => {
    given(campaignDecider, running)
      .when(revise({ title: '我读《勋章》有感' }), asXinhua)
      .then([revised({ title: '我读《勋章》有感' })]);
  });

  it('changes the participants and keeps title and advisor', () => {
    given(campaignDecider, running)
      .when(revise({ participants: NEW_PARTICIPANTS }), asXinhua)
      .then([revised({ participants: NEW_PARTICIPANTS })]);
  });

  it('changes several fields at once', () => {
    given(campaignDecider, running)
      .when(revise({ title: '祖孙共读《勋章》', participants: NEW_PARTICIPANTS, advisor: '赵老师' }), asXinhua)
      .then([revised({ title: '祖孙共读《勋章》', participants: NEW_PARTICIPANTS, advisor: '赵老师' })]);
  });

  it('builds on earlier revisions, not on the original submission', () => {
    given(campaignDecider, [...running, revised({ title: '我读《勋章》有感' })])
      .when(revise({ advisor: '赵老师' }), asXinhua)
      .then([revised({ title: '我读《勋章》有感', advisor: '赵老师' })]);
  });

  it('gives an advisor to an entry submitted without one', () => {
    given(campaignDecider, [created(), opened(), submitted({ advisor: undefined })])
      .when(revise({ advisor: '李老师' }), asXinhua)
      .then([revised({ advisor: '李老师' }, { advisor: undefined })]);
  });

  it('lets an organizer revise on behalf of the school', () => {
    given(campaignDecider, running)
      .when(revise({ title: '我读《勋章》有感' }))
      .then([revised({ title: '我读《勋章》有感' })]);
  });

  describe('no-op revisions', () => {
    it('appends nothing when no field is given', () => {
      given(campaignDecider, running).when(revise(), asXinhua).then([]);
    });

    it('appends nothing when every given field already has that value', () => {
      const { title, participants, advisor } = submission();
      given(campaignDecider, running).when(revise({ title }), asXinhua).then([]);
      given(campaignDecider, running).when(revise({ title, participants, advisor }), asXinhua).then([]);
    });

    it('appends nothing when repeating the last revision', () => {
      given(campaignDecider, [...running, revised({ title: '我读《勋章》有感' })])
        .when(revise({ title: '我读《勋章》有感' }), asXinhua)
        .then([]);
    });

    it('still treats a retry of the original submission as done after a revision', () => {
      given(campaignDecider, [...running, revised({ title: '我读《勋章》有感' })])
        .when({ type: 'SubmitEntry', input: submission(), school: XINHUA, attachments: [] }, asXinhua)
        .then([]);
    });
  });

  describe('while the campaign accepts entries only', () => {
    it.each([
      ['CLOSED', [closed()]],
      ['CANCELLED', [cancelled()]],
    ])('refuses while the campaign is %s', (status, since) => {
      given(campaignDecider, [...running, ...since])
        .when(revise({ title: '我读《勋章》有感' }), asXinhua)
        .thenThrows(CampaignNotOpen, status);
    });

    it('refuses after the deadline although the campaign is still OPEN', () => {
      given(campaignDecider, running)
        .when(revise({ title: '我读《勋章》有感' }), { ...asXinhua, now: '2022-06-30T16:00:00.000Z' })
        .thenThrows(CampaignNotOpen, '2022-06-30T23:59:59+08:00');
    });

    it('accepts after the original deadline when it was extended', () => {
      given(campaignDecider, [
        ...running,
        { type: 'DeadlineExtended', data: { campaignId: CAMPAIGN, closesAt: '2022-07-15T23:59:59+08:00' } },
      ])
        .when(revise({ title: '我读《勋章》有感' }), { ...asXinhua, now: '2022-07-01T00:00:00.000Z' })
        .then([revised({ title: '我读《勋章》有感' })]);
    });
  });

  describe('whose entry', () => {
    it("refuses a school revising another school's entry", () => {
      given(campaignDecider, running)
        .when(revise({ title: '我读《勋章》有感' }), asYucai)
        .thenThrows(Forbidden, ENTRY);
    });

    it('refuses a withdrawn entry', () => {
      given(campaignDecider, [...running, withdrawn('sub-1')])
        .when(revise({ title: '我读《勋章》有感' }), asXinhua)
        .thenThrows(Conflict, 'withdrawn');
    });

    it('refuses an entry that does not exist', () => {
      given(campaignDecider, running)
        .when(revise({ title: '我读《勋章》有感' }, 'never-submitted'), asXinhua)
        .thenThrows(NotFound, entryId('never-submitted'));
    });
  });

  describe('performance by campaign kind', () => {
    const chorus = { genre: '合唱', durationMinutes: 5 };
    const showcase = [created({ kind: 'PERFORMANCE' }), opened(), submitted({ performance: chorus })];

    it('keeps the performance of a PERFORMANCE entry when it is not given', () => {
      given(campaignDecider, showcase)
        .when(revise({ title: '《唱支山歌给党听》' }), asXinhua)
        .then([revised({ title: '《唱支山歌给党听》' }, { performance: chorus })]);
    });

    it('changes the performance of a PERFORMANCE entry', () => {
      const recitation = { genre: '朗诵', durationMinutes: 4 };
      given(campaignDecider, showcase)
        .when(revise({ performance: recitation }), asXinhua)
        .then([revised({ performance: recitation }, { performance: chorus })]);
    });

    it('refuses a revision that leaves a PERFORMANCE entry without a performance', () => {
      // An entry written before performances were recorded is upcast with none.
      given(campaignDecider, [created({ kind: 'PERFORMANCE' }), opened(), submitted()])
        .when(revise({ title: '《唱支山歌给党听》' }), asXinhua)
        .thenThrows(InvalidInput, onField('performance'));
    });

    it('refuses a performance for an entry of another kind, naming the field', () => {
      given(campaignDecider, running)
        .when(revise({ performance: chorus }), asXinhua)
        .thenThrows(InvalidInput, onField('performance'));
    });
  });

  describe('participants by campaign kind', () => {
    it('refuses a revision that leaves an essay with nobody, naming participants', () => {
      given(campaignDecider, running)
        .when(revise({ participants: [] }), asXinhua)
        .thenThrows(InvalidInput, onField('participants'));
    });

    it('lets an EVALUATION application drop the people it named', () => {
      given(campaignDecider, [created({ kind: 'EVALUATION', maxEntriesPerSchool: 1 }), opened(), submitted()])
        .when(revise({ participants: [] }), asXinhua)
        .then([revised({ participants: [] })]);
    });
  });
});
