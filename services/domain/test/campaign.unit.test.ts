import { NestedId, type SchoolKind, type SubmitEntryInput } from '@qingmiao/schema';
import { describe, expect, it } from 'vitest';
import { type CampaignCommand, campaignDecider } from '../src/campaigns/campaign.ts';
import { campaignIdOf, entryIdFor } from '../src/campaigns/entry-id.ts';
import {
  CampaignNotOpen,
  Conflict,
  Forbidden,
  InvalidInput,
  LimitExceeded,
  NotEligible,
  NotFound,
} from '../src/errors.ts';
import {
  asXinhua,
  asYucai,
  CAMPAIGN,
  closed as closedIn,
  createCommand,
  created,
  opened as openedIn,
  submission,
  submitted,
  withdrawn,
  XINHUA,
  YUCAI,
} from './campaign-fixtures.ts';
import { given, NOW, onField, schoolActor } from './given-when-then.ts';

const opened = openedIn();
const closed = closedIn();

const open: CampaignCommand = { type: 'OpenCampaign', input: { id: CAMPAIGN } };
const close: CampaignCommand = { type: 'CloseCampaign', input: { id: CAMPAIGN } };

const submit = (
  overrides: Partial<SubmitEntryInput> = {},
  /** The submitting school as the shell loaded it; `null`: not registered. */
  school: { id: string; kind: SchoolKind } | null = XINHUA,
): CampaignCommand => ({
  type: 'SubmitEntry',
  input: submission(overrides),
  school: school ?? undefined,
  attachments: [],
});

const withdraw = (submissionId: string, reason = '重复提交'): CampaignCommand => ({
  type: 'WithdrawEntry',
  input: { entryId: entryIdFor(CAMPAIGN, submissionId), reason },
});

describe('CreateCampaign', () => {
  it('creates a DRAFT definition with defaults: every school kind, empty theme, no limits', () => {
    given(campaignDecider).when(createCommand()).then([created()]);
  });

  it('keeps what the organizer gave', () => {
    given(campaignDecider)
      .when(
        createCommand({
          theme: '童心向党',
          eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
          maxEntriesPerSchool: 3,
          awardQuota: 0.15,
        }),
      )
      .then([
        created({
          theme: '童心向党',
          eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
          maxEntriesPerSchool: 3,
          awardQuota: 0.15,
        }),
      ]);
  });

  it('treats an identical retry as done: no second event', () => {
    given(campaignDecider, [created()]).when(createCommand()).then([]);
    given(campaignDecider, [created(), opened]).when(createCommand()).then([]);
  });

  it('refuses the same id with another definition as a conflict', () => {
    given(campaignDecider, [created()])
      .when(createCommand({ title: '筑梦九天读书征文' }))
      .thenThrows(Conflict, CAMPAIGN);
    given(campaignDecider, [created()])
      .when(createCommand({ maxEntriesPerSchool: 2 }))
      .thenThrows(Conflict, CAMPAIGN);
  });

  it('refuses targetSessions outside LECTURE campaigns, naming the field', () => {
    given(campaignDecider)
      .when(createCommand({ targetSessions: 1000 }))
      .thenThrows(InvalidInput, 'targetSessions');
  });

  it('caps EVALUATION campaigns at one entry per school', () => {
    given(campaignDecider)
      .when(createCommand({ kind: 'EVALUATION' }))
      .then([created({ kind: 'EVALUATION', maxEntriesPerSchool: 1 })]);
    given(campaignDecider)
      .when(createCommand({ kind: 'EVALUATION', maxEntriesPerSchool: 2 }))
      .thenThrows(InvalidInput, 'maxEntriesPerSchool');
  });
});

describe('OpenCampaign and CloseCampaign', () => {
  it('opens a DRAFT campaign', () => {
    given(campaignDecider, [created()]).when(open).then([opened]);
  });

  it('opening an OPEN campaign again changes nothing', () => {
    given(campaignDecider, [created(), opened]).when(open).then([]);
  });

  it('never reopens a CLOSED campaign', () => {
    given(campaignDecider, [created(), opened, closed]).when(open).thenThrows(Conflict, 'CLOSED');
  });

  it('closes an OPEN campaign', () => {
    given(campaignDecider, [created(), opened]).when(close).then([closed]);
  });

  it('closing a CLOSED campaign again changes nothing', () => {
    given(campaignDecider, [created(), opened, closed]).when(close).then([]);
  });

  it('refuses to close a campaign that never opened', () => {
    given(campaignDecider, [created()]).when(close).thenThrows(Conflict, 'DRAFT');
  });

  it('refuses to close a CANCELLED campaign', () => {
    given(campaignDecider, [
      created(),
      opened,
      { type: 'CampaignCancelled', data: { campaignId: CAMPAIGN, reason: '疫情' } },
    ])
      .when(close)
      .thenThrows(Conflict, 'CANCELLED');
  });

  it('refuses both for a campaign that does not exist', () => {
    given(campaignDecider).when(open).thenThrows(NotFound, CAMPAIGN);
    given(campaignDecider).when(close).thenThrows(NotFound, CAMPAIGN);
  });
});

describe('SubmitEntry', () => {
  const running = [created(), opened];

  it('accepts an entry from an eligible school while OPEN', () => {
    given(campaignDecider, running).when(submit(), asXinhua).then([submitted()]);
  });

  it('lets an organizer submit on behalf of a school', () => {
    given(campaignDecider, running).when(submit()).then([submitted()]);
  });

  it('refuses a school submitting for another school', () => {
    given(campaignDecider, running).when(submit(), asYucai).thenThrows(Forbidden, XINHUA.id);
  });

  it('refuses an entry to a campaign that does not exist', () => {
    given(campaignDecider).when(submit(), asXinhua).thenThrows(NotFound, CAMPAIGN);
  });

  it.each([
    ['DRAFT', [created()]],
    ['CLOSED', [created(), opened, closed]],
    ['CANCELLED', [created(), opened, { type: 'CampaignCancelled', data: { campaignId: CAMPAIGN, reason: '疫情' } }]],
  ] as const)('refuses entries while the campaign is %s', (status, events) => {
    given(campaignDecider, events).when(submit(), asXinhua).thenThrows(CampaignNotOpen, status);
  });

  it('refuses entries after closesAt, comparing instants across time zones', () => {
    // 2022-06-30T23:59:59+08:00 is 15:59:59Z: at 16:00Z the deadline has passed, although the strings sort the
    // other way round.
    given(campaignDecider, running)
      .when(submit(), { ...asXinhua, now: '2022-06-30T16:00:00.000Z' })
      .thenThrows(CampaignNotOpen, '2022-06-30T23:59:59+08:00');
    given(campaignDecider, running)
      .when(submit(), { ...asXinhua, now: '2022-06-30T15:59:59.000Z' })
      .thenThrows(CampaignNotOpen);
  });

  it('accepts entries until the last instant before closesAt', () => {
    given(campaignDecider, running)
      .when(submit(), { ...asXinhua, now: '2022-06-30T15:59:58.999Z' })
      .then([submitted()]);
  });

  it('accepts entries after closesAt when the deadline was extended', () => {
    given(campaignDecider, [
      ...running,
      { type: 'DeadlineExtended', data: { campaignId: CAMPAIGN, closesAt: '2022-07-15T23:59:59+08:00' } },
    ])
      .when(submit(), { ...asXinhua, now: '2022-07-01T00:00:00.000Z' })
      .then([submitted()]);
  });

  it('refuses an entry from a school that is not registered', () => {
    given(campaignDecider, running).when(submit({}, null), asXinhua).thenThrows(NotFound, XINHUA.id);
  });

  it('refuses a school whose kind the campaign is not open to', () => {
    given(campaignDecider, [created({ eligibleSchoolKinds: ['JUNIOR_HIGH', 'SENIOR_HIGH'] }), opened])
      .when(submit(), asXinhua)
      .thenThrows(NotEligible, 'PRIMARY');
  });

  it('accepts a school whose kind is eligible', () => {
    given(campaignDecider, [created({ eligibleSchoolKinds: ['JUNIOR_HIGH', 'SENIOR_HIGH'] }), opened])
      .when(submit({ schoolId: YUCAI.id }, YUCAI), asYucai)
      .then([submitted({ schoolId: YUCAI.id })]);
  });

  describe('maxEntriesPerSchool', () => {
    const limited = [created({ maxEntriesPerSchool: 2 }), opened];

    it('refuses an entry beyond the limit of live entries', () => {
      given(campaignDecider, [...limited, submitted({ submissionId: 'a' }), submitted({ submissionId: 'b' })])
        .when(submit({ submissionId: 'c' }), asXinhua)
        .thenThrows(LimitExceeded, '2');
    });

    it('counts each school separately', () => {
      given(campaignDecider, [...limited, submitted({ submissionId: 'a' }), submitted({ submissionId: 'b' })])
        .when(submit({ submissionId: 'c', schoolId: YUCAI.id }, YUCAI), asYucai)
        .then([submitted({ submissionId: 'c', schoolId: YUCAI.id })]);
    });

    it('frees a slot when an entry is withdrawn', () => {
      given(campaignDecider, [
        ...limited,
        submitted({ submissionId: 'a' }),
        submitted({ submissionId: 'b' }),
        withdrawn('a'),
      ])
        .when(submit({ submissionId: 'c' }), asXinhua)
        .then([submitted({ submissionId: 'c' })]);
    });

    it('lets a retry of an accepted entry through even at the limit', () => {
      given(campaignDecider, [...limited, submitted({ submissionId: 'a' }), submitted({ submissionId: 'b' })])
        .when(submit({ submissionId: 'b' }), asXinhua)
        .then([]);
    });
  });

  describe('resubmission (rule 4)', () => {
    it('appends nothing for the same submissionId with the same content', () => {
      given(campaignDecider, [...running, submitted()])
        .when(submit(), asXinhua)
        .then([]);
    });

    it('appends nothing for a retry even after the campaign closed', () => {
      given(campaignDecider, [...running, submitted(), closed])
        .when(submit(), asXinhua)
        .then([]);
      given(campaignDecider, [...running, submitted()])
        .when(submit(), { ...asXinhua, now: '2022-12-31T00:00:00.000Z' })
        .then([]);
    });

    it('treats null and omitted optional fields alike', () => {
      given(campaignDecider, [...running, submitted({ advisor: undefined })])
        .when(submit({ advisor: undefined }), asXinhua)
        .then([]);
    });

    it.each([
      ['title', { title: '我读《筑梦九天》' }],
      ['participants', { participants: [{ name: '王小红', role: 'STUDENT' as const, grade: '五年级' }] }],
      ['advisor', { advisor: '赵老师' }],
    ])('refuses the same submissionId with another %s as a conflict', (_, change) => {
      given(campaignDecider, [...running, submitted()])
        .when(submit(change), asXinhua)
        .thenThrows(Conflict, 'sub-1');
    });

    it('refuses the same submissionId from another school as a conflict', () => {
      given(campaignDecider, [...running, submitted()])
        .when(submit({ schoolId: YUCAI.id }, YUCAI), asYucai)
        .thenThrows(Conflict, 'sub-1');
    });
  });

  describe('entry ids', () => {
    it('derives the entry id from campaign and submissionId, deterministically', () => {
      const id = entryIdFor(CAMPAIGN, 'sub-1');
      expect(id).toBe(entryIdFor(CAMPAIGN, 'sub-1'));
      expect(NestedId.safeParse(id).success).toBe(true);
      expect(campaignIdOf(id)).toBe(CAMPAIGN);
      expect(entryIdFor(CAMPAIGN, 'sub-2')).not.toBe(id);
      expect(entryIdFor('flag-essay-2022', 'sub-1')).not.toBe(id);
    });

    it('puts that id on the submitted event', () => {
      const state = [created(), opened].reduce(campaignDecider.evolve, campaignDecider.initialState);
      const [event] = campaignDecider.decide(submit({ submissionId: 'client-key-42' }), state, {
        actor: schoolActor(XINHUA.id),
        now: NOW,
      });
      expect(event?.type).toBe('EntrySubmitted');
      expect(event?.data).toMatchObject({ entryId: entryIdFor(CAMPAIGN, 'client-key-42') });
    });
  });

  describe('entry content by campaign kind', () => {
    it('refuses entries to a LECTURE campaign', () => {
      given(campaignDecider, [created({ kind: 'LECTURE' }), opened])
        .when(submit(), asXinhua)
        .thenThrows(InvalidInput, 'campaignId');
    });

    it('requires a performance in a PERFORMANCE campaign and refuses one elsewhere', () => {
      given(campaignDecider, [created({ kind: 'PERFORMANCE' }), opened])
        .when(submit(), asXinhua)
        .thenThrows(InvalidInput, 'performance');
      given(campaignDecider, running)
        .when(submit({ performance: { genre: '合唱', durationMinutes: 5 } }), asXinhua)
        .thenThrows(InvalidInput, 'performance');
    });

    it('accepts an EVALUATION application that names nobody: the school itself applies', () => {
      given(campaignDecider, [created({ kind: 'EVALUATION', maxEntriesPerSchool: 1 }), opened])
        .when(submit({ participants: [] }), asXinhua)
        .then([submitted({ participants: [] })]);
    });

    it.each([
      ['ESSAY', undefined],
      ['PERFORMANCE', { genre: '合唱', durationMinutes: 5 }],
    ] as const)('refuses a %s entry that names nobody, naming participants', (kind, performance) => {
      given(campaignDecider, [created({ kind }), opened])
        .when(submit({ participants: [], performance }), asXinhua)
        .thenThrows(InvalidInput, onField('participants'));
    });
  });
});

describe('WithdrawEntry', () => {
  const withEntry = [created(), opened, submitted()];

  it('withdraws a live entry of the school', () => {
    given(campaignDecider, withEntry)
      .when(withdraw('sub-1'), asXinhua)
      .then([withdrawn('sub-1')]);
  });

  it('refuses an entry that does not exist', () => {
    given(campaignDecider, withEntry)
      .when(withdraw('never-submitted'), asXinhua)
      .thenThrows(NotFound, entryIdFor(CAMPAIGN, 'never-submitted'));
  });

  it('refuses an entry of a campaign that does not exist', () => {
    given(campaignDecider).when(withdraw('sub-1'), asXinhua).thenThrows(NotFound, CAMPAIGN);
  });

  it("refuses a school withdrawing another school's entry", () => {
    given(campaignDecider, withEntry).when(withdraw('sub-1'), asYucai).thenThrows(Forbidden);
  });

  it('appends nothing for an entry already withdrawn', () => {
    given(campaignDecider, [...withEntry, withdrawn('sub-1')])
      .when(withdraw('sub-1', '另一个理由'), asXinhua)
      .then([]);
  });

  it('refuses a school after the campaign closed', () => {
    given(campaignDecider, [...withEntry, closed])
      .when(withdraw('sub-1'), asXinhua)
      .thenThrows(CampaignNotOpen, 'CLOSED');
  });

  it('lets an organizer withdraw (disqualify) after the campaign closed', () => {
    given(campaignDecider, [...withEntry, closed])
      .when(withdraw('sub-1', '抄袭'))
      .then([withdrawn('sub-1', '抄袭')]);
  });

  it('refuses even an organizer once results are published', () => {
    given(campaignDecider, [...withEntry, closed, { type: 'ResultsPublished', data: { campaignId: CAMPAIGN } }])
      .when(withdraw('sub-1', '抄袭'))
      .thenThrows(CampaignNotOpen, 'RESULTS_PUBLISHED');
  });
});
