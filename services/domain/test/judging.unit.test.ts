import { type Criterion, DEFAULT_RUBRIC } from '@qingmiao/schema';
import { describe, expect, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { weightedScore } from '../src/campaigns/judging.ts';
import { Conflict, Forbidden, InvalidInput, NotFound } from '../src/errors.ts';
import {
  CAMPAIGN,
  cancelled,
  closed,
  created,
  entryId,
  judgeActor,
  judgeAssigned,
  judgeUnassigned,
  opened,
  published,
  submitted,
  withdrawn,
} from './campaign-fixtures.ts';
import { given, ORGANIZER, onField } from './given-when-then.ts';

/** Content counts twice as much as expression; each criterion has its own scale. */
const RUBRIC: Criterion[] = [
  { name: '内容', weight: 2, maxScore: 40 },
  { name: '表达', weight: 1, maxScore: 30 },
];

const ZHAO = 'judge-zhao';
const QIAN = 'judge-qian';
const asZhao = { actor: judgeActor(ZHAO) };
const asQian = { actor: judgeActor(QIAN) };

const ENTRY = entryId('sub-1');
const judged = [created({ rubric: RUBRIC }), opened(), judgeAssigned(ZHAO), judgeAssigned(QIAN), submitted()];

type ScoreInput = Extract<CampaignCommand, { type: 'ScoreEntry' }>['input'];
type Scores = { criterion: string; score: number }[];

const score = (overrides: Partial<ScoreInput> = {}): CampaignCommand => ({
  type: 'ScoreEntry',
  input: {
    entryId: ENTRY,
    score: undefined,
    criteria: [
      { criterion: '内容', score: 30 },
      { criterion: '表达', score: 15 },
    ],
    comment: undefined,
    ...overrides,
  },
});

const scored = (judge: string, scores: Scores, weighted: number, comment: string | null = null): CampaignEvent => ({
  type: 'EntryScored',
  data: { campaignId: CAMPAIGN, entryId: ENTRY, judge, scores, weightedScore: weighted, comment },
});

const recuse = (reason = '指导过该作品'): CampaignCommand => ({
  type: 'RecuseFromEntry',
  input: { entryId: ENTRY, reason },
});
const recused = (judge: string, reason = '指导过该作品'): CampaignEvent => ({
  type: 'JudgeRecused',
  data: { campaignId: CAMPAIGN, entryId: ENTRY, judge, reason },
});

const CONTENT_30_EXPRESSION_15: Scores = [
  { criterion: '内容', score: 30 },
  { criterion: '表达', score: 15 },
];

describe('ScoreEntry', () => {
  it('records every criterion score and the weighted score: (2×30/40 + 1×15/30)/3 × 100 = 66.67', () => {
    given(campaignDecider, judged)
      .when(score(), asZhao)
      .then([scored(ZHAO, CONTENT_30_EXPRESSION_15, 66.67)]);
  });

  it('keeps the judge’s comment', () => {
    given(campaignDecider, judged)
      .when(score({ comment: '立意深刻' }), asZhao)
      .then([scored(ZHAO, CONTENT_30_EXPRESSION_15, 66.67, '立意深刻')]);
  });

  it('accepts the criteria in any order', () => {
    const reversed = [
      { criterion: '表达', score: 15 },
      { criterion: '内容', score: 30 },
    ];
    given(campaignDecider, judged)
      .when(score({ criteria: reversed }), asZhao)
      .then([scored(ZHAO, reversed, 66.67)]);
  });

  it('accepts each criterion at its maximum, and at zero', () => {
    const full = [
      { criterion: '内容', score: 40 },
      { criterion: '表达', score: 30 },
    ];
    given(campaignDecider, judged)
      .when(score({ criteria: full }), asZhao)
      .then([scored(ZHAO, full, 100)]);
    const none = [
      { criterion: '内容', score: 0 },
      { criterion: '表达', score: 0 },
    ];
    given(campaignDecider, judged)
      .when(score({ criteria: none }), asZhao)
      .then([scored(ZHAO, none, 0)]);
  });

  it('scores after the campaign closed', () => {
    given(campaignDecider, [...judged, closed()])
      .when(score(), asZhao)
      .then([scored(ZHAO, CONTENT_30_EXPRESSION_15, 66.67)]);
  });

  describe('a single-criterion rubric', () => {
    const single = [created(), opened(), judgeAssigned(ZHAO), submitted()];

    it('takes one overall score', () => {
      given(campaignDecider, single)
        .when(score({ score: 85, criteria: undefined }), asZhao)
        .then([scored(ZHAO, [{ criterion: '总分', score: 85 }], 85)]);
    });

    it('also takes that score as its one criterion', () => {
      given(campaignDecider, single)
        .when(score({ criteria: [{ criterion: '总分', score: 85 }] }), asZhao)
        .then([scored(ZHAO, [{ criterion: '总分', score: 85 }], 85)]);
    });

    it('refuses a score above the maximum, naming score', () => {
      given(campaignDecider, single)
        .when(score({ score: 100.5, criteria: undefined }), asZhao)
        .thenThrows(InvalidInput, onField('score'));
      given(campaignDecider, single)
        .when(score({ score: 100, criteria: undefined }), asZhao)
        .then([scored(ZHAO, [{ criterion: '总分', score: 100 }], 100)]);
    });
  });

  describe('rubric validation', () => {
    it('refuses one overall score for a multi-criterion rubric, naming criteria', () => {
      given(campaignDecider, judged)
        .when(score({ score: 80, criteria: undefined }), asZhao)
        .thenThrows(InvalidInput, onField('criteria'));
    });

    it('refuses a criterion that is not in the rubric, naming its position', () => {
      given(campaignDecider, judged)
        .when(
          score({
            criteria: [
              { criterion: '内容', score: 30 },
              { criterion: '书写', score: 10 },
            ],
          }),
          asZhao,
        )
        .thenThrows(InvalidInput, onField('criteria.1.criterion'));
    });

    it('refuses a criterion scored twice, naming the second', () => {
      given(campaignDecider, judged)
        .when(
          score({
            criteria: [
              { criterion: '内容', score: 30 },
              { criterion: '表达', score: 15 },
              { criterion: '内容', score: 35 },
            ],
          }),
          asZhao,
        )
        .thenThrows(InvalidInput, onField('criteria.2.criterion'));
    });

    it('refuses a score above its criterion’s maximum, naming its position', () => {
      given(campaignDecider, judged)
        .when(
          score({
            criteria: [
              { criterion: '内容', score: 30 },
              { criterion: '表达', score: 31 },
            ],
          }),
          asZhao,
        )
        .thenThrows(InvalidInput, onField('criteria.1.score'));
      // 40 is within 内容's range but not 表达's: each criterion has its own maximum.
      given(campaignDecider, judged)
        .when(
          score({
            criteria: [
              { criterion: '表达', score: 40 },
              { criterion: '内容', score: 40 },
            ],
          }),
          asZhao,
        )
        .thenThrows(InvalidInput, onField('criteria.0.score'));
    });

    it('refuses a scoring that leaves a criterion out, naming it', () => {
      given(campaignDecider, judged)
        .when(score({ criteria: [{ criterion: '内容', score: 30 }] }), asZhao)
        .thenThrows(InvalidInput, onField('criteria'));
      given(campaignDecider, judged)
        .when(score({ criteria: [{ criterion: '内容', score: 30 }] }), asZhao)
        .thenThrows(InvalidInput, '表达');
    });
  });

  describe('who may score', () => {
    it('refuses a judge not assigned to the campaign', () => {
      given(campaignDecider, judged)
        .when(score(), { actor: judgeActor('judge-sun') })
        .thenThrows(Forbidden, 'judge-sun');
    });

    it('refuses the organizer, who is not a judge of the campaign', () => {
      given(campaignDecider, judged).when(score()).thenThrows(Forbidden, ORGANIZER.sub);
    });

    it('refuses a judge who recused from the entry, but not another judge', () => {
      given(campaignDecider, [...judged, recused(ZHAO)])
        .when(score(), asZhao)
        .thenThrows(Forbidden, ZHAO);
      given(campaignDecider, [...judged, recused(ZHAO)])
        .when(score(), asQian)
        .then([scored(QIAN, CONTENT_30_EXPRESSION_15, 66.67)]);
    });
  });

  describe('what may be scored', () => {
    it('refuses a withdrawn entry', () => {
      given(campaignDecider, [...judged, withdrawn('sub-1')])
        .when(score(), asZhao)
        .thenThrows(Conflict, 'withdrawn');
    });

    it('refuses an entry that does not exist', () => {
      given(campaignDecider, judged)
        .when(score({ entryId: entryId('never-submitted') }), asZhao)
        .thenThrows(NotFound, entryId('never-submitted'));
    });

    it.each([
      ['RESULTS_PUBLISHED', [closed(), published()]],
      ['CANCELLED', [cancelled()]],
    ])('refuses while the campaign is %s', (status, since) => {
      given(campaignDecider, [...judged, ...since])
        .when(score(), asZhao)
        .thenThrows(Conflict, status);
    });

    it('refuses while the campaign is DRAFT', () => {
      // Not reachable through commands (entries need OPEN); the rule holds for any history.
      given(campaignDecider, [created({ rubric: RUBRIC }), judgeAssigned(ZHAO), submitted()])
        .when(score(), asZhao)
        .thenThrows(Conflict, 'DRAFT');
    });
  });
});

describe('RecuseFromEntry', () => {
  it('records the recusal with its reason', () => {
    given(campaignDecider, judged)
      .when(recuse(), asZhao)
      .then([recused(ZHAO)]);
  });

  it('records a recusal after the campaign closed', () => {
    given(campaignDecider, [...judged, closed()])
      .when(recuse(), asZhao)
      .then([recused(ZHAO)]);
  });

  it('appends nothing for a judge who already recused, whatever the reason and even after results', () => {
    given(campaignDecider, [...judged, recused(ZHAO)])
      .when(recuse('另一个理由'), asZhao)
      .then([]);
    given(campaignDecider, [...judged, recused(ZHAO), closed(), published()])
      .when(recuse(), asZhao)
      .then([]);
  });

  it('keeps each judge’s recusal apart', () => {
    given(campaignDecider, [...judged, recused(ZHAO)])
      .when(recuse(), asQian)
      .then([recused(QIAN)]);
  });

  it('refuses a judge not assigned to the campaign', () => {
    given(campaignDecider, judged)
      .when(recuse(), { actor: judgeActor('judge-sun') })
      .thenThrows(Forbidden, 'judge-sun');
  });

  it.each([
    ['RESULTS_PUBLISHED', [closed(), published()]],
    ['CANCELLED', [cancelled()]],
  ])('refuses a new recusal while the campaign is %s', (status, since) => {
    given(campaignDecider, [...judged, ...since])
      .when(recuse(), asZhao)
      .thenThrows(Conflict, status);
  });
});

describe('UnassignJudge', () => {
  const unassign = (judge: string, campaignId = CAMPAIGN): CampaignCommand => ({
    type: 'UnassignJudge',
    input: { campaignId, judge },
  });

  it.each([
    ['DRAFT', [created({ rubric: RUBRIC }), judgeAssigned(ZHAO)]],
    ['OPEN', judged],
    ['CLOSED', [...judged, closed()]],
  ])('takes a judge off the panel of a %s campaign', (_, history) => {
    given(campaignDecider, history)
      .when(unassign(ZHAO))
      .then([judgeUnassigned(ZHAO)]);
  });

  it('takes a judge off who has scored already: the scores stay in the log (the read models stop counting them)', () => {
    given(campaignDecider, [...judged, scored(ZHAO, CONTENT_30_EXPRESSION_15, 66.67)])
      .when(unassign(ZHAO))
      .then([judgeUnassigned(ZHAO)]);
  });

  it('refuses someone who is not on the panel, naming judge', () => {
    given(campaignDecider, judged).when(unassign('judge-sun')).thenThrows(InvalidInput, onField('judge'));
  });

  it('refuses a judge unassigned already: unassigning twice is a mistake to report, not a retry to absorb', () => {
    given(campaignDecider, [...judged, judgeUnassigned(ZHAO)])
      .when(unassign(ZHAO))
      .thenThrows(InvalidInput, onField('judge'));
  });

  it.each([
    ['RESULTS_PUBLISHED', [closed(), published()]],
    ['CANCELLED', [cancelled()]],
  ])('refuses while the campaign is %s: the published results rest on the panel as it was', (status, since) => {
    given(campaignDecider, [...judged, ...since])
      .when(unassign(ZHAO))
      .thenThrows(Conflict, status);
  });

  it('refuses a campaign that does not exist', () => {
    given(campaignDecider).when(unassign(ZHAO)).thenThrows(NotFound, CAMPAIGN);
  });

  it('stops the judge scoring and recusing, and leaves the other judges as they were', () => {
    const after = [...judged, judgeUnassigned(ZHAO)];
    given(campaignDecider, after).when(score(), asZhao).thenThrows(Forbidden, ZHAO);
    given(campaignDecider, after).when(recuse(), asZhao).thenThrows(Forbidden, ZHAO);
    given(campaignDecider, after)
      .when(score(), asQian)
      .then([scored(QIAN, CONTENT_30_EXPRESSION_15, 66.67)]);
  });

  it('lets the judge be assigned again, and score again', () => {
    const after = [...judged, judgeUnassigned(ZHAO)];
    given(campaignDecider, after)
      .when({ type: 'AssignJudge', input: { campaignId: CAMPAIGN, judge: ZHAO } })
      .then([judgeAssigned(ZHAO)]);
    given(campaignDecider, [...after, judgeAssigned(ZHAO)])
      .when(score(), asZhao)
      .then([scored(ZHAO, CONTENT_30_EXPRESSION_15, 66.67)]);
  });
});

describe('weightedScore', () => {
  it('is the weighted mean of each criterion as a share of its maximum, on 0–100, to two decimals', () => {
    expect(weightedScore(RUBRIC, CONTENT_30_EXPRESSION_15)).toBe(66.67);
    // (2×10/40 + 1×10/30)/3 × 100 = 27.777…
    expect(
      weightedScore(RUBRIC, [
        { criterion: '内容', score: 10 },
        { criterion: '表达', score: 10 },
      ]),
    ).toBe(27.78);
    // (2×40/40 + 1×0/30)/3 × 100 = 66.666…: the weights, not the scales, decide.
    expect(
      weightedScore(RUBRIC, [
        { criterion: '内容', score: 40 },
        { criterion: '表达', score: 0 },
      ]),
    ).toBe(66.67);
    expect(
      weightedScore(RUBRIC, [
        { criterion: '内容', score: 0 },
        { criterion: '表达', score: 30 },
      ]),
    ).toBe(33.33);
  });

  it('is 100 at full marks and 0 at none', () => {
    const full = RUBRIC.map((c) => ({ criterion: c.name, score: c.maxScore }));
    expect(weightedScore(RUBRIC, full)).toBe(100);
    expect(
      weightedScore(
        RUBRIC,
        RUBRIC.map((c) => ({ criterion: c.name, score: 0 })),
      ),
    ).toBe(0);
  });

  it('is the score itself under the default rubric out of 100', () => {
    expect(weightedScore(DEFAULT_RUBRIC, [{ criterion: '总分', score: 85 }])).toBe(85);
    expect(weightedScore(DEFAULT_RUBRIC, [{ criterion: '总分', score: 72.5 }])).toBe(72.5);
  });

  it('does not depend on the order of the scores', () => {
    expect(weightedScore(RUBRIC, [...CONTENT_30_EXPRESSION_15].reverse())).toBe(66.67);
  });
});
