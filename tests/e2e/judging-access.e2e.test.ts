import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Checked,
  codeOf,
  dataOf,
  type GraphQLResult,
  type Operation,
  type VariablesFor,
} from '../support/graphql-http.ts';
import type { ServerProcess } from '../support/server-process.ts';
import { entryInput, type Organizer, startWithOrganizer, stopAndRemove, submit } from './qingmiao-client.ts';

/**
 * Judging is confidential until results are published, whichever way a reader asks (entry, campaign.entries,
 * entryHistory, the mutations' answers); judges read only entries of the campaigns they are assigned to. Checked over
 * real HTTP against a separately started server process.
 */
let server: ServerProcess;
let organizer: Organizer;
let viewer: string;
const judge: Record<'wang' | 'li' | 'zhao', string> = { wang: '', li: '', zhao: '' };

beforeAll(async () => {
  ({ server, organizer } = await startWithOrganizer());
  viewer = await server.token('viewer', { sub: 'bureau-leader' });
  for (const name of ['wang', 'li', 'zhao'] as const)
    judge[name] = await server.token('judge', { sub: `judge-${name}` });
});

afterAll(() => stopAndRemove(server));

const ok = async <T>(result: Promise<GraphQLResult<T>>): Promise<T> => dataOf(await result);
const as = <O extends Operation>(token: string, operation: O & Checked<O>, variables?: VariablesFor<O>) =>
  server.graphql<O>(operation, variables, token);

const COMMENT = '真情实感,结构完整';
const RECUSAL = '指导教师是亲属';

/**
 * A campaign judged by judge-wang (80, with a comment) and judge-li (60) on school A's entry, with judge-li recused
 * from school B's entry; judge-zhao judges another campaign only.
 */
async function judgedCampaign() {
  const a = await organizer.schoolWithToken();
  const b = await organizer.schoolWithToken();
  const campaignId = await organizer.openedCampaign();
  const elsewhere = await organizer.openedCampaign();
  const entryA = dataOf(await submit(server, a.token, entryInput(campaignId, a.id))).submitEntry.id;
  const entryB = dataOf(await submit(server, b.token, entryInput(campaignId, b.id))).submitEntry.id;
  const assign = (campaign: string, sub: string) =>
    ok(
      as(organizer.token, `mutation($i: AssignJudgeInput!) { assignJudge(input: $i) { id } }`, {
        i: { campaignId: campaign, judge: sub },
      }),
    );
  await assign(campaignId, 'judge-wang');
  await assign(campaignId, 'judge-li');
  await assign(elsewhere, 'judge-zhao');
  const score = (token: string, entryId: string, value: number, comment?: string) =>
    ok(
      as(token, `mutation($i: ScoreEntryInput!) { scoreEntry(input: $i) { id } }`, {
        i: { entryId, score: value, comment },
      }),
    );
  await score(judge.wang, entryA, 80, COMMENT);
  await score(judge.li, entryA, 60);
  await ok(
    as(judge.li, `mutation($i: RecuseFromEntryInput!) { recuseFromEntry(input: $i) { id } }`, {
      i: { entryId: entryB, reason: RECUSAL },
    }),
  );
  return { a, b, campaignId, entryA, entryB };
}

async function publish(campaignId: string, entryId: string) {
  await organizer.closeCampaign(campaignId);
  await ok(as(organizer.token, `mutation { awardEntry(input: {entryId: "${entryId}", prize: FIRST}) { id } }`));
  await ok(as(organizer.token, `mutation { publishResults(input: {id: "${campaignId}"}) { id } }`));
}

const JUDGED = graphql(`fragment Judged on Entry @_unmask { id meanScore scoreCount prize }`);
const ENTRY = graphql(`query Entry($id: ID!) { entry(id: $id) { ...Judged } }`, [JUDGED]);
const SCORES = graphql(`query Scores($id: ID!) { entry(id: $id) { id scores { judge weightedScore comment } } }`);
const ENTRIES = graphql(`query Entries($id: ID!) { campaign(id: $id) { entries { ...Judged } } }`, [JUDGED]);
const HISTORY = graphql(`query History($id: ID!) { entryHistory(entryId: $id) { type actor role data } }`);
const ASSIGNED = graphql(`query Assigned($id: ID!) { campaign(id: $id) { assignedToMe } }`);
const JUDGES = graphql(`query Judges($id: ID!) { campaign(id: $id) { judges } }`);

const historyOf = async (token: string, entryId: string) =>
  (await ok(as(token, HISTORY, { id: entryId }))).entryHistory;

/** Nothing of the judges' work appears anywhere in an answer. */
function expectNoJudging(answer: unknown) {
  const text = JSON.stringify(answer);
  for (const secret of ['judge-wang', 'judge-li', COMMENT, RECUSAL, 'EntryScored', 'JudgeRecused']) {
    expect(text).not.toContain(secret);
  }
}

describe('a school before results are published', () => {
  it("sees its entry's own history but no scores, comments or recusals, and no results", async () => {
    const { a, b, entryA, entryB, campaignId } = await judgedCampaign();

    const history = await historyOf(a.token, entryA);
    expect(history.map((event) => event.type)).toEqual(['EntrySubmitted']);
    expectNoJudging(history);
    expect(await historyOf(b.token, entryB)).toEqual([expect.objectContaining({ type: 'EntrySubmitted' })]);
    expectNoJudging(await historyOf(b.token, entryB));

    const entry = await ok(as(a.token, ENTRY, { id: entryA }));
    expect(entry.entry).toEqual({ id: entryA, meanScore: null, scoreCount: null, prize: null });
    const listed = await ok(as(a.token, ENTRIES, { id: campaignId }));
    expect(listed.campaign?.entries).toEqual([{ id: entryA, meanScore: null, scoreCount: null, prize: null }]);

    const scores = await as(a.token, SCORES, { id: entryA });
    expect(codeOf(scores)).toBe('FORBIDDEN');
    expectNoJudging(scores);

    // The organizer sees it all.
    const all = await historyOf(organizer.token, entryA);
    expect(all.map((event) => event.type)).toEqual(['EntrySubmitted', 'EntryScored', 'EntryScored']);
    expect(JSON.stringify(all)).toContain(COMMENT);

    // An award before publication shows nowhere, not even as a newer updatedAt.
    const UPDATED = graphql(`query Updated($id: ID!) { entry(id: $id) { prize updatedAt } }`);
    const before = await ok(as(a.token, UPDATED, { id: entryA }));
    await organizer.closeCampaign(campaignId);
    await ok(as(organizer.token, `mutation { awardEntry(input: {entryId: "${entryA}", prize: FIRST}) { id } }`));
    expect(await ok(as(a.token, UPDATED, { id: entryA }))).toEqual({
      entry: { prize: null, updatedAt: before.entry?.updatedAt },
    });
    expect((await historyOf(a.token, entryA)).map((event) => event.type)).toEqual(['EntrySubmitted']);
  });
});

describe('after results are published', () => {
  it('a school sees its prize, mean score and score count, and awards in its history, never the judges', async () => {
    const { a, campaignId, entryA } = await judgedCampaign();
    await publish(campaignId, entryA);

    const entry = await ok(as(a.token, ENTRY, { id: entryA }));
    expect(entry.entry).toEqual({ id: entryA, meanScore: 70, scoreCount: 2, prize: 'FIRST' });
    const history = await historyOf(a.token, entryA);
    expect(history.map((event) => event.type)).toEqual(['EntrySubmitted', 'EntryAwarded']);
    expectNoJudging(history);
    expect(codeOf(await as(a.token, SCORES, { id: entryA }))).toBe('FORBIDDEN');

    // A judge of the campaign sees the published results too, and still only their own score.
    const judged = await ok(as(judge.li, ENTRY, { id: entryA }));
    expect(judged.entry).toEqual({ id: entryA, meanScore: 70, scoreCount: 2, prize: 'FIRST' });
    const scores = await ok(as(judge.li, SCORES, { id: entryA }));
    expect(scores.entry?.scores.map((score) => score.judge)).toEqual(['judge-li']);
  });
});

describe('awards in the participation figures', () => {
  it('count for organizers only until results are published, in GraphQL and in the downloads', async () => {
    const { a, campaignId, entryA } = await judgedCampaign();
    await organizer.closeCampaign(campaignId);
    await ok(as(organizer.token, `mutation { awardEntry(input: {entryId: "${entryA}", prize: FIRST}) { id } }`));
    const FIGURES = graphql(`query Awards($id: ID!) {
      participation(year: 2022, groupBy: CAMPAIGN, campaignId: $id) { awards }
      participationTotals(year: 2022, campaignId: $id) { awards }
    }`);
    /** The campaign's awards as its row and as the year's totals show them to the reader. */
    const awards = async (token: string) => {
      const figures = await ok(as(token, FIGURES, { id: campaignId }));
      expect(figures.participationTotals.awards).toBe(figures.participation[0]?.awards);
      return figures.participationTotals.awards;
    };
    const downloaded = async (token: string) => {
      const response = await fetch(
        `${server.url}/reports/participation.csv?year=2022&groupBy=CAMPAIGN&campaignId=${campaignId}`,
        {
          headers: { authorization: `Bearer ${token}` },
        },
      );
      expect(response.status).toBe(200);
      // The awards column of the campaign's row (BOM, header, one row).
      const [header = '', row = ''] = (await response.text())
        .replace(/^\uFEFF/, '')
        .trim()
        .split(/\r?\n/);
      return row.split(',')[header.split(',').indexOf('获奖数')];
    };
    expect(await awards(organizer.token)).toBe(1);
    expect(await awards(a.token)).toBe(0);
    expect(await awards(viewer)).toBe(0);
    expect(await downloaded(organizer.token)).toBe('1');
    expect(await downloaded(viewer)).toBe('0');

    await ok(as(organizer.token, `mutation { publishResults(input: {id: "${campaignId}"}) { id } }`));
    expect(await awards(a.token)).toBe(1);
    expect(await awards(viewer)).toBe(1);
    expect(await downloaded(viewer)).toBe('1');
  });
});

describe('a judge not assigned to the campaign, and a viewer', () => {
  it('read none of its entries, their history or its panel', async () => {
    const { campaignId, entryA } = await judgedCampaign();
    for (const refused of [
      await as(viewer, ENTRY, { id: entryA }),
      await as(viewer, ENTRIES, { id: campaignId }),
      await as(viewer, HISTORY, { id: entryA }),
    ]) {
      expect(codeOf(refused)).toBe('FORBIDDEN');
      expectNoJudging(refused);
    }

    const entry = await as(judge.zhao, ENTRY, { id: entryA });
    expect(codeOf(entry)).toBe('OK');
    expect(entry.data).toEqual({ entry: null });
    const listed = await as(judge.zhao, ENTRIES, { id: campaignId });
    expect(codeOf(listed)).toBe('FORBIDDEN');
    expect(listed.errors?.[0]?.path).toEqual(['campaign', 'entries']);
    expect(await historyOf(judge.zhao, entryA)).toEqual([]);
    const mine = await ok(as(judge.zhao, ASSIGNED, { id: campaignId }));
    expect(mine.campaign?.assignedToMe).toBe(false);
    expect(
      codeOf(await as(judge.zhao, `mutation { scoreEntry(input: {entryId: "${entryA}", score: 99}) { id } }`)),
    ).toBe('FORBIDDEN');
  });
});

describe('an assigned judge before results are published', () => {
  it("sees their own score only: not the other judges' scores, the mean, the count or the prize", async () => {
    const { campaignId, entryA } = await judgedCampaign();

    const entry = await ok(as(judge.li, ENTRY, { id: entryA }));
    expect(entry.entry).toEqual({ id: entryA, meanScore: null, scoreCount: null, prize: null });
    const listed = await ok(as(judge.li, ENTRIES, { id: campaignId }));
    expect(listed.campaign?.entries.map((e) => [e.meanScore, e.scoreCount])).toEqual([
      [null, null],
      [null, null],
    ]);
    const scores = await ok(
      as(judge.li, SCORES, {
        id: entryA,
      }),
    );
    expect(scores.entry?.scores).toEqual([{ judge: 'judge-li', weightedScore: 60, comment: null }]);

    // Scoring again answers with the entry as the judge may see it.
    const rescored = await ok(
      as(
        judge.li,
        graphql(`mutation Rescore($i: ScoreEntryInput!) { scoreEntry(input: $i) { ...Judged } }`, [JUDGED]),
        { i: { entryId: entryA, score: 65 } },
      ),
    );
    expect(rescored.scoreEntry).toMatchObject({ meanScore: null, scoreCount: null });

    // In history, only their own judging: no other judge, and no submission with the children's names.
    const history = await historyOf(judge.li, entryA);
    expect(history.map((event) => [event.type, event.actor])).toEqual([
      ['EntryScored', 'judge-li'],
      ['EntryScored', 'judge-li'],
    ]);
    expect(JSON.stringify(history)).not.toContain(COMMENT);

    for (const field of ['leaderboard { id meanScore }', 'judgingProgress { judge }']) {
      expect(codeOf(await as(judge.li, `{ campaign(id: "${campaignId}") { ${field} } }`))).toBe('FORBIDDEN');
    }
  });
});

describe("a judge's own queue", () => {
  const MINE = graphql(`
    query Mine($id: ID!) {
      campaign(id: $id) { myProgress { judge assigned scored } entries { id myRecusal } }
    }
  `);

  it('says which entries they stepped aside from and how far they are, to them only', async () => {
    const { a, campaignId, entryA, entryB } = await judgedCampaign();
    const li = await ok(as(judge.li, MINE, { id: campaignId }));
    expect(li.campaign?.myProgress).toEqual({ judge: 'judge-li', assigned: 1, scored: 1 });
    expect(li.campaign?.entries).toEqual(
      expect.arrayContaining([
        { id: entryA, myRecusal: null },
        { id: entryB, myRecusal: RECUSAL },
      ]),
    );
    // Another judge of the panel does not learn of the recusal; their own progress counts both entries.
    const wang = await ok(as(judge.wang, MINE, { id: campaignId }));
    expect(wang.campaign?.myProgress).toEqual({ judge: 'judge-wang', assigned: 2, scored: 1 });
    expect(wang.campaign?.entries.map((entry) => entry.myRecusal)).toEqual([null, null]);
    // The organizer is on no panel; a school reads its own entry without a word of the recusal.
    const office = await ok(as(organizer.token, MINE, { id: campaignId }));
    expect(office.campaign?.myProgress).toBeNull();
    expect(office.campaign?.entries.map((entry) => entry.myRecusal)).toEqual([null, null]);
    const MINE_ENTRY = graphql(`query MineEntry($id: ID!) { entry(id: $id) { myRecusal } }`);
    expect((await ok(as(a.token, MINE_ENTRY, { id: entryA }))).entry?.myRecusal).toBeNull();
    // A judge of another campaign has no progress on this one.
    const zhao = await ok(
      as(judge.zhao, graphql(`query Z($id: ID!) { campaign(id: $id) { myProgress { judge } } }`), { id: campaignId }),
    );
    expect(zhao.campaign?.myProgress).toBeNull();
  });
});

describe('campaign.standardScores', () => {
  const STANDARD = graphql(`
    query Standard($id: ID!) { campaign(id: $id) { standardScores { entryId standardScore } } }
  `);

  it('puts each judge on one scale, for organizers only', async () => {
    const { a, campaignId, entryA, entryB } = await judgedCampaign();
    // Each judge has one score so far: nothing to compare it with, so 50.
    expect((await ok(as(organizer.token, STANDARD, { id: campaignId }))).campaign?.standardScores).toEqual([
      { entryId: entryA, standardScore: 50 },
    ]);
    // judge-wang scores B above A: A falls below the middle for them, B rises above it (judge-li stays at 0).
    await ok(
      as(judge.wang, `mutation($i: ScoreEntryInput!) { scoreEntry(input: $i) { id } }`, {
        i: { entryId: entryB, score: 90 },
      }),
    );
    expect((await ok(as(organizer.token, STANDARD, { id: campaignId }))).campaign?.standardScores).toEqual([
      { entryId: entryA, standardScore: 45 },
      { entryId: entryB, standardScore: 60 },
    ]);
    for (const token of [a.token, judge.wang, viewer]) {
      expect(codeOf(await as(token, STANDARD, { id: campaignId }))).toBe('FORBIDDEN');
    }
  });
});

describe('campaign.judges', () => {
  it('is for organizers only; a judge learns whether they are assigned', async () => {
    const { a, campaignId } = await judgedCampaign();
    const seen = await ok(as(organizer.token, JUDGES, { id: campaignId }));
    expect(seen.campaign?.judges).toEqual(['judge-li', 'judge-wang']);
    for (const token of [a.token, judge.wang, judge.zhao, viewer]) {
      const refused = await as(token, JUDGES, { id: campaignId });
      expect(codeOf(refused)).toBe('FORBIDDEN');
      expect(JSON.stringify(refused)).not.toContain('judge-li');
    }
    const mine = await ok(as(judge.wang, ASSIGNED, { id: campaignId }));
    expect(mine.campaign?.assignedToMe).toBe(true);
  });
});

describe('unassignJudge', () => {
  const UNASSIGN = graphql(`mutation Unassign($i: UnassignJudgeInput!) { unassignJudge(input: $i) { id judges } }`);

  it("takes a judge off the panel: their scores stop counting, they read and score the campaign's entries no more", async () => {
    const { campaignId, entryA, entryB } = await judgedCampaign();
    const unassigned = await ok(
      as(organizer.token, UNASSIGN, {
        i: { campaignId, judge: 'judge-wang' },
      }),
    );
    expect(unassigned.unassignJudge.judges).toEqual(['judge-li']);

    const counted = await ok(as(organizer.token, ENTRY, { id: entryA }));
    expect(counted.entry).toMatchObject({ meanScore: 60, scoreCount: 1 });
    // The log keeps what the judge did.
    expect((await historyOf(organizer.token, entryA)).filter((e) => e.actor === 'judge-wang')).toHaveLength(1);

    expect((await as(judge.wang, ENTRY, { id: entryA })).data).toEqual({ entry: null });
    expect(codeOf(await as(judge.wang, ENTRIES, { id: campaignId }))).toBe('FORBIDDEN');
    expect(await historyOf(judge.wang, entryA)).toEqual([]);
    const scored = await as(judge.wang, `mutation { scoreEntry(input: {entryId: "${entryB}", score: 90}) { id } }`);
    expect(codeOf(scored)).toBe('FORBIDDEN');
  });

  it('refuses someone not on the panel (naming judge), a school, and a campaign whose results are published', async () => {
    const { a, campaignId, entryA } = await judgedCampaign();
    const notJudge = await as(organizer.token, UNASSIGN, { i: { campaignId, judge: 'judge-zhao' } });
    expect(notJudge.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'judge' });
    expect(codeOf(await as(a.token, UNASSIGN, { i: { campaignId, judge: 'judge-li' } }))).toBe('FORBIDDEN');

    await publish(campaignId, entryA);
    expect(codeOf(await as(organizer.token, UNASSIGN, { i: { campaignId, judge: 'judge-li' } }))).toBe('CONFLICT');
    const panel = await ok(as(organizer.token, JUDGES, { id: campaignId }));
    expect(panel.campaign?.judges).toEqual(['judge-li', 'judge-wang']);
  });
});
