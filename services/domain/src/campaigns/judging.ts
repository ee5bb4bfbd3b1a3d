import type {
  AssignJudgeInput,
  Criterion,
  RecuseFromEntryInput,
  ScoreEntryInput,
  UnassignJudgeInput,
} from '@qingmiao/schema';
import type { DecisionContext } from '../decider.ts';
import { Conflict, Forbidden, InvalidInput } from '../errors.ts';
import { type Campaign, type CampaignEvent, type CampaignState, existingCampaign, existingEntry } from './state.ts';

/** The judging of a campaign: who is on its panel, and what they score. */
export type JudgingCommand =
  | { readonly type: 'AssignJudge'; readonly input: AssignJudgeInput }
  | { readonly type: 'UnassignJudge'; readonly input: UnassignJudgeInput }
  | { readonly type: 'ScoreEntry'; readonly input: ScoreEntryInput }
  | { readonly type: 'RecuseFromEntry'; readonly input: RecuseFromEntryInput };

type PanelCommand = Extract<JudgingCommand, { type: 'AssignJudge' | 'UnassignJudge' }>;
type EntryJudgingCommand = Extract<JudgingCommand, { type: 'ScoreEntry' | 'RecuseFromEntry' }>;

function assignedJudge(campaign: Campaign, judge: string): void {
  if (!campaign.judges.has(judge)) {
    throw new Forbidden(`${judge} is not a judge of campaign ${campaign.definition.campaignId}`);
  }
}

function judging(campaign: Campaign): void {
  const { status, definition } = campaign;
  if (status !== 'OPEN' && status !== 'CLOSED') throw new Conflict(`Campaign ${definition.campaignId} is ${status}`);
}

/** The criterion scores a judge gave, checked against the rubric: every criterion once, each within its range. */
function rubricScores(rubric: readonly Criterion[], input: ScoreEntryInput): { criterion: string; score: number }[] {
  if (input.score !== undefined) {
    const [only] = rubric;
    if (rubric.length !== 1 || !only) {
      throw new InvalidInput('criteria', `this rubric has ${rubric.length} criteria: score each of them`);
    }
    if (input.score > only.maxScore) throw new InvalidInput('score', `must be at most ${only.maxScore}`);
    return [{ criterion: only.name, score: input.score }];
  }
  const given = input.criteria ?? [];
  given.forEach((scored, i) => {
    const criterion = rubric.find((c) => c.name === scored.criterion);
    if (!criterion)
      throw new InvalidInput(
        `criteria.${i}.criterion`,
        `is not in the rubric (${rubric.map((c) => c.name).join(', ')})`,
      );
    if (given.findIndex((other) => other.criterion === scored.criterion) !== i) {
      throw new InvalidInput(`criteria.${i}.criterion`, 'is scored twice');
    }
    if (scored.score > criterion.maxScore)
      throw new InvalidInput(`criteria.${i}.score`, `must be at most ${criterion.maxScore}`);
  });
  const missing = rubric.filter((c) => !given.some((scored) => scored.criterion === c.name));
  if (missing.length > 0)
    throw new InvalidInput('criteria', `must also score ${missing.map((c) => c.name).join(', ')}`);
  return given.map(({ criterion, score }) => ({ criterion, score }));
}

/** Weighted mean of the criteria, each as a share of its maximum, on a 0–100 scale. */
export function weightedScore(
  rubric: readonly Criterion[],
  scores: readonly { criterion: string; score: number }[],
): number {
  let total = 0;
  let weights = 0;
  for (const criterion of rubric) {
    const score = scores.find((s) => s.criterion === criterion.name)?.score ?? 0;
    total += (criterion.weight * score) / criterion.maxScore;
    weights += criterion.weight;
  }
  return Math.round((total / weights) * 100 * 100) / 100;
}

/**
 * The panel may change until results are published or the campaign is cancelled: published results rest on the
 * scores of the panel as it was then.
 */
function decidePanel(command: PanelCommand, state: CampaignState): CampaignEvent[] {
  const { campaignId, judge } = command.input;
  const campaign = existingCampaign(state, campaignId);
  const assigned = campaign.judges.has(judge);
  if (command.type === 'AssignJudge' && assigned) return [];
  if (command.type === 'UnassignJudge' && !assigned) {
    throw new InvalidInput('judge', `${judge} is not a judge of campaign ${campaignId}`);
  }
  if (campaign.status === 'CANCELLED' || campaign.status === 'RESULTS_PUBLISHED') {
    throw new Conflict(`Campaign ${campaignId} is ${campaign.status}`);
  }
  return [{ type: command.type === 'AssignJudge' ? 'JudgeAssigned' : 'JudgeUnassigned', data: { campaignId, judge } }];
}

export function decideJudging(
  command: JudgingCommand,
  state: CampaignState,
  context: DecisionContext,
): CampaignEvent[] {
  switch (command.type) {
    case 'AssignJudge':
    case 'UnassignJudge':
      return decidePanel(command, state);
    case 'ScoreEntry':
    case 'RecuseFromEntry':
      return decideOnEntry(command, state, context);
  }
}

function decideOnEntry(
  command: EntryJudgingCommand,
  state: CampaignState,
  { actor }: DecisionContext,
): CampaignEvent[] {
  const { entryId } = command.input;
  const { campaign, entry } = existingEntry(state, entryId);
  const campaignId = campaign.definition.campaignId;
  assignedJudge(campaign, actor.sub);
  switch (command.type) {
    case 'ScoreEntry': {
      judging(campaign);
      if (!entry.live) throw new Conflict(`Entry ${entryId} was withdrawn`);
      if (entry.recusedJudges.has(actor.sub)) throw new Forbidden(`${actor.sub} recused from entry ${entryId}`);
      const scores = rubricScores(campaign.definition.rubric, command.input);
      return [
        {
          type: 'EntryScored',
          data: {
            campaignId,
            entryId,
            judge: actor.sub,
            scores,
            weightedScore: weightedScore(campaign.definition.rubric, scores),
            comment: command.input.comment ?? null,
          },
        },
      ];
    }
    case 'RecuseFromEntry': {
      if (entry.recusedJudges.has(actor.sub)) return [];
      judging(campaign);
      return [{ type: 'JudgeRecused', data: { campaignId, entryId, judge: actor.sub, reason: command.input.reason } }];
    }
  }
}
