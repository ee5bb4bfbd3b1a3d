import type { CampaignKind } from '@qingmiao/schema';
import { describe, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { Conflict, InvalidInput, NotFound } from '../src/errors.ts';
import {
  CAMPAIGN,
  cancelled,
  closed,
  createCommand,
  created,
  type Definition,
  definition,
  judgeAssigned,
  opened,
  published,
} from './campaign-fixtures.ts';
import { given, onField } from './given-when-then.ts';

type CopyInput = Extract<CampaignCommand, { type: 'CopyCampaign' }>['input'];

const extend = (closesAt: string): CampaignCommand => ({ type: 'ExtendDeadline', input: { id: CAMPAIGN, closesAt } });
const extended = (closesAt: string): CampaignEvent => ({
  type: 'DeadlineExtended',
  data: { campaignId: CAMPAIGN, closesAt },
});
const cancel = (reason = '疫情防控'): CampaignCommand => ({ type: 'CancelCampaign', input: { id: CAMPAIGN, reason } });
const publish: CampaignCommand = { type: 'PublishResults', input: { id: CAMPAIGN } };
const assign = (judge: string): CampaignCommand => ({ type: 'AssignJudge', input: { campaignId: CAMPAIGN, judge } });

const statuses = {
  DRAFT: [created()],
  OPEN: [created(), opened()],
  CLOSED: [created(), opened(), closed()],
  RESULTS_PUBLISHED: [created(), opened(), closed(), published()],
  CANCELLED: [created(), opened(), cancelled()],
} as const satisfies Record<string, readonly CampaignEvent[]>;

describe('CreateCampaign: rules by kind', () => {
  it('forces maxEntriesPerSchool to 1 in an EVALUATION campaign, and accepts an explicit 1', () => {
    given(campaignDecider)
      .when(createCommand({ kind: 'EVALUATION' }))
      .then([created({ kind: 'EVALUATION', maxEntriesPerSchool: 1 })]);
    given(campaignDecider)
      .when(createCommand({ kind: 'EVALUATION', maxEntriesPerSchool: 1 }))
      .then([created({ kind: 'EVALUATION', maxEntriesPerSchool: 1 })]);
  });

  it.each([2, 3, 50])('refuses maxEntriesPerSchool %i in an EVALUATION campaign, naming the field', (limit) => {
    given(campaignDecider)
      .when(createCommand({ kind: 'EVALUATION', maxEntriesPerSchool: limit }))
      .thenThrows(InvalidInput, onField('maxEntriesPerSchool'));
  });

  it('leaves maxEntriesPerSchool to the organizer in other kinds', () => {
    given(campaignDecider)
      .when(createCommand({ kind: 'PERFORMANCE', maxEntriesPerSchool: 3 }))
      .then([created({ kind: 'PERFORMANCE', maxEntriesPerSchool: 3 })]);
  });

  it('keeps targetSessions in a LECTURE campaign, and leaves it null when not given', () => {
    given(campaignDecider)
      .when(createCommand({ kind: 'LECTURE', targetSessions: 1000 }))
      .then([created({ kind: 'LECTURE', targetSessions: 1000 })]);
    given(campaignDecider)
      .when(createCommand({ kind: 'LECTURE' }))
      .then([created({ kind: 'LECTURE' })]);
  });

  it.each(['ESSAY', 'PERFORMANCE', 'EVALUATION'] as const satisfies readonly CampaignKind[])(
    'refuses targetSessions in a %s campaign, naming the field',
    (kind) => {
      given(campaignDecider)
        .when(createCommand({ kind, targetSessions: 10 }))
        .thenThrows(InvalidInput, onField('targetSessions'));
    },
  );
});

describe('ExtendDeadline', () => {
  it('moves the deadline of an OPEN campaign later', () => {
    given(campaignDecider, statuses.OPEN)
      .when(extend('2022-07-15T23:59:59+08:00'))
      .then([extended('2022-07-15T23:59:59+08:00')]);
  });

  it('moves the deadline of a DRAFT campaign too', () => {
    given(campaignDecider, statuses.DRAFT)
      .when(extend('2022-07-15T23:59:59+08:00'))
      .then([extended('2022-07-15T23:59:59+08:00')]);
  });

  it('appends nothing for the deadline in force, however it is written', () => {
    given(campaignDecider, statuses.OPEN).when(extend('2022-06-30T23:59:59+08:00')).then([]);
    // The same instant in UTC.
    given(campaignDecider, statuses.OPEN).when(extend('2022-06-30T15:59:59Z')).then([]);
  });

  it('refuses an earlier deadline, naming the field', () => {
    given(campaignDecider, statuses.OPEN)
      .when(extend('2022-06-15T23:59:59+08:00'))
      .thenThrows(InvalidInput, onField('closesAt'));
  });

  it('measures from the extended deadline, not the original one', () => {
    const afterExtension = [...statuses.OPEN, extended('2022-07-15T23:59:59+08:00')];
    given(campaignDecider, afterExtension)
      .when(extend('2022-07-10T23:59:59+08:00'))
      .thenThrows(InvalidInput, '2022-07-15T23:59:59+08:00');
    given(campaignDecider, afterExtension).when(extend('2022-07-15T23:59:59+08:00')).then([]);
    given(campaignDecider, afterExtension)
      .when(extend('2022-07-31T23:59:59+08:00'))
      .then([extended('2022-07-31T23:59:59+08:00')]);
  });

  it.each(['CLOSED', 'RESULTS_PUBLISHED', 'CANCELLED'] as const)('refuses a %s campaign', (status) => {
    given(campaignDecider, statuses[status]).when(extend('2022-07-15T23:59:59+08:00')).thenThrows(Conflict, status);
  });

  it('refuses a campaign that does not exist', () => {
    given(campaignDecider).when(extend('2022-07-15T23:59:59+08:00')).thenThrows(NotFound, CAMPAIGN);
  });
});

describe('CancelCampaign', () => {
  it.each(['DRAFT', 'OPEN', 'CLOSED'] as const)('cancels a %s campaign, keeping the reason', (status) => {
    given(campaignDecider, statuses[status])
      .when(cancel('暴雨预警，活动取消'))
      .then([cancelled(CAMPAIGN, '暴雨预警，活动取消')]);
  });

  it('appends nothing for a campaign already cancelled, whatever the reason', () => {
    given(campaignDecider, statuses.CANCELLED).when(cancel()).then([]);
    given(campaignDecider, statuses.CANCELLED).when(cancel('另一个理由')).then([]);
  });

  it('refuses a campaign that has published its results', () => {
    given(campaignDecider, statuses.RESULTS_PUBLISHED).when(cancel()).thenThrows(Conflict, 'published');
  });

  it('never reopens a cancelled campaign', () => {
    given(campaignDecider, [created(), cancelled()])
      .when({ type: 'OpenCampaign', input: { id: CAMPAIGN } })
      .thenThrows(Conflict, 'CANCELLED');
  });

  it('refuses a campaign that does not exist', () => {
    given(campaignDecider).when(cancel()).thenThrows(NotFound, CAMPAIGN);
  });
});

describe('PublishResults', () => {
  it('publishes the results of a CLOSED campaign', () => {
    given(campaignDecider, statuses.CLOSED).when(publish).then([published()]);
  });

  it('appends nothing when the results are already published', () => {
    given(campaignDecider, statuses.RESULTS_PUBLISHED).when(publish).then([]);
  });

  it.each(['DRAFT', 'OPEN', 'CANCELLED'] as const)('refuses a %s campaign', (status) => {
    given(campaignDecider, statuses[status]).when(publish).thenThrows(Conflict, status);
  });

  it('refuses a campaign that does not exist', () => {
    given(campaignDecider).when(publish).thenThrows(NotFound, CAMPAIGN);
  });
});

describe('AssignJudge', () => {
  it.each(['DRAFT', 'OPEN', 'CLOSED'] as const)('assigns a judge to a %s campaign', (status) => {
    given(campaignDecider, statuses[status])
      .when(assign('judge-zhao'))
      .then([judgeAssigned('judge-zhao')]);
  });

  it('assigns several judges, each once', () => {
    given(campaignDecider, [...statuses.OPEN, judgeAssigned('judge-zhao')])
      .when(assign('judge-qian'))
      .then([judgeAssigned('judge-qian')]);
    given(campaignDecider, [...statuses.OPEN, judgeAssigned('judge-zhao')])
      .when(assign('judge-zhao'))
      .then([]);
  });

  it('appends nothing for a judge already assigned, even once the campaign is over', () => {
    given(campaignDecider, [created(), opened(), judgeAssigned('judge-zhao'), closed(), published()])
      .when(assign('judge-zhao'))
      .then([]);
  });

  it.each(['RESULTS_PUBLISHED', 'CANCELLED'] as const)('refuses a new judge in a %s campaign', (status) => {
    given(campaignDecider, statuses[status]).when(assign('judge-zhao')).thenThrows(Conflict, status);
  });

  it('refuses a campaign that does not exist', () => {
    given(campaignDecider).when(assign('judge-zhao')).thenThrows(NotFound, CAMPAIGN);
  });
});

describe('CopyCampaign', () => {
  const NEXT = 'medal-essay-2023';
  /** Last year's campaign with every setting away from its default, so that a copy visibly keeps them. */
  const source: Definition = definition({
    theme: '童心向党',
    eligibleSchoolKinds: ['PRIMARY', 'JUNIOR_HIGH'],
    maxEntriesPerSchool: 3,
    awardQuota: 0.15,
    rubric: [
      { name: '内容', weight: 2, maxScore: 40 },
      { name: '表达', weight: 1, maxScore: 30 },
    ],
  });

  const copy = (
    overrides: Partial<CopyInput> = {},
    /** The source as the shell loaded it; `null`: it does not exist. */
    from: Definition | null = source,
  ): CampaignCommand => ({
    type: 'CopyCampaign',
    input: { sourceId: CAMPAIGN, id: NEXT, year: 2023, opensAt: undefined, closesAt: undefined, ...overrides },
    source: from ?? undefined,
  });

  const copied = (overrides: Partial<Definition> = {}): CampaignEvent => ({
    type: 'CampaignCreated',
    data: {
      ...source,
      campaignId: NEXT,
      year: 2023,
      opensAt: '2023-03-01T00:00:00+08:00',
      closesAt: '2023-06-30T23:59:59+08:00',
      copiedFrom: CAMPAIGN,
      ...overrides,
    },
  });

  it("creates next year's DRAFT campaign with the same settings, dates shifted by a year in their own offset", () => {
    given(campaignDecider).when(copy()).then([copied()]);
  });

  it('shifts the dates by the difference in years', () => {
    given(campaignDecider)
      .when(copy({ id: 'medal-essay-2025', year: 2025 }))
      .then([
        copied({
          campaignId: 'medal-essay-2025',
          year: 2025,
          opensAt: '2025-03-01T00:00:00+08:00',
          closesAt: '2025-06-30T23:59:59+08:00',
        }),
      ]);
  });

  it('keeps UTC and fractional dates as written, only the year moves', () => {
    given(campaignDecider)
      .when(copy({}, { ...source, opensAt: '2022-02-28T16:00:00.000Z', closesAt: '2022-06-30T15:59:59.999Z' }))
      .then([copied({ opensAt: '2023-02-28T16:00:00.000Z', closesAt: '2023-06-30T15:59:59.999Z' })]);
  });

  it('moves 29 February to the 28th in a common year, and keeps it in a leap year', () => {
    const leapDay = {
      ...source,
      year: 2024,
      opensAt: '2024-02-29T08:00:00+08:00',
      closesAt: '2024-05-31T23:59:59+08:00',
    };
    given(campaignDecider)
      .when(copy({ year: 2025 }, leapDay))
      .then([copied({ year: 2025, opensAt: '2025-02-28T08:00:00+08:00', closesAt: '2025-05-31T23:59:59+08:00' })]);
    given(campaignDecider)
      .when(copy({ year: 2028 }, leapDay))
      .then([copied({ year: 2028, opensAt: '2028-02-29T08:00:00+08:00', closesAt: '2028-05-31T23:59:59+08:00' })]);
  });

  it('takes the dates the organizer gives instead of shifted ones', () => {
    given(campaignDecider)
      .when(copy({ opensAt: '2023-04-01T00:00:00+08:00', closesAt: '2023-07-31T23:59:59+08:00' }))
      .then([copied({ opensAt: '2023-04-01T00:00:00+08:00', closesAt: '2023-07-31T23:59:59+08:00' })]);
    given(campaignDecider)
      .when(copy({ closesAt: '2023-07-31T23:59:59+08:00' }))
      .then([copied({ closesAt: '2023-07-31T23:59:59+08:00' })]);
  });

  it('refuses a given opensAt that falls after the shifted deadline, naming closesAt', () => {
    given(campaignDecider)
      .when(copy({ opensAt: '2023-07-01T00:00:00+08:00' }))
      .thenThrows(InvalidInput, onField('closesAt'));
  });

  it('keeps kind-specific settings: an EVALUATION stays at one entry per school, a LECTURE keeps its target', () => {
    const evaluation = { kind: 'EVALUATION', maxEntriesPerSchool: 1 } as const;
    given(campaignDecider)
      .when(copy({}, { ...source, ...evaluation }))
      .then([copied(evaluation)]);
    const lecture = { kind: 'LECTURE', maxEntriesPerSchool: null, targetSessions: 1000 } as const;
    given(campaignDecider)
      .when(copy({}, { ...source, ...lecture }))
      .then([copied(lecture)]);
  });

  it('names the immediate source when copying a copy', () => {
    const copy2023 = definition({
      ...source,
      campaignId: NEXT,
      year: 2023,
      opensAt: '2023-03-01T00:00:00+08:00',
      closesAt: '2023-06-30T23:59:59+08:00',
      copiedFrom: CAMPAIGN,
    });
    given(campaignDecider)
      .when(copy({ sourceId: NEXT, id: 'medal-essay-2024', year: 2024 }, copy2023))
      .then([
        copied({
          campaignId: 'medal-essay-2024',
          year: 2024,
          opensAt: '2024-03-01T00:00:00+08:00',
          closesAt: '2024-06-30T23:59:59+08:00',
          copiedFrom: NEXT,
        }),
      ]);
  });

  it('refuses a source campaign that does not exist, naming sourceId', () => {
    given(campaignDecider).when(copy({}, null)).thenThrows(InvalidInput, onField('sourceId'));
  });

  it('treats an identical retry as done: no second event, even after the copy opened', () => {
    given(campaignDecider, [copied()]).when(copy()).then([]);
    given(campaignDecider, [copied(), opened(NEXT)])
      .when(copy())
      .then([]);
  });

  it('refuses a target id already taken by another campaign', () => {
    given(campaignDecider, [created({ campaignId: NEXT, title: '筑梦九天读书征文', year: 2023 })])
      .when(copy())
      .thenThrows(Conflict, NEXT);
  });

  it('refuses a retry under the same id that differs (another year or other dates)', () => {
    given(campaignDecider, [copied()])
      .when(copy({ year: 2024 }))
      .thenThrows(Conflict, NEXT);
    given(campaignDecider, [copied()])
      .when(copy({ closesAt: '2023-07-31T23:59:59+08:00' }))
      .thenThrows(Conflict, NEXT);
  });
});
