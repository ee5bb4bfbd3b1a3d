/**
 * Replays a demo plan through the same command path as the API: the `Commands` facade (input validation, role
 * checks, deciders, the command runner with its optimistic concurrency) on the server's own event store, with
 * organizer, school and judge actors as the GraphQL layer would pass them.
 *
 * The one difference is the clock. The domain refuses entries after a campaign's `closesAt`, so a 2022 year cannot
 * be entered with today's clock; `createDemoCommands` builds the `Commands` with a `PlanClock` (the runner's public
 * `now` option) that the seeder moves through the plan's 2022 moments. Events therefore carry 2022 `recordedAt`
 * times: entries are submitted in the months they were planned, the MONTH grouping and as-of replay give a real
 * year, and the log stays in time order (the clock never goes back). Commands sent later through the API use the
 * server's own `qingmiao.commands` and the real clock.
 */
import { type CommandOutcome, Commands, entryIdFor, lectureIdFor } from '@qingmiao/domain';
import { comparePositions, type EventStore, type Position, START } from '@qingmiao/event-store';
import type { Actor, CommandName } from '@qingmiao/schema';
import type { DemoPlan, Iso } from './taicang-2022.ts';

/** A clock the seeder moves forward through the plan: never back, and 1 ms further on every reading. */
export class PlanClock {
  #target: number;
  #last = Number.NEGATIVE_INFINITY;

  constructor(start: Iso | number) {
    this.#target = typeof start === 'number' ? start : Date.parse(start);
  }

  /** Moves the clock to `at` unless it is already later. */
  advanceTo(at: number): void {
    if (at > this.#target) this.#target = at;
  }

  /** The runner's `now`: strictly increasing, so events appended one after the other are in time order too. */
  readonly now = (): Date => {
    this.#last = Math.max(this.#target, this.#last + 1);
    return new Date(this.#last);
  };
}

/** `Commands` on the given (the server's) event store, deciding at the plan's moments. */
export function createDemoCommands(store: EventStore, plan: DemoPlan): { commands: Commands; clock: PlanClock } {
  const clock = new PlanClock(plan.schools[0]?.registeredAt ?? plan.asOf);
  return { commands: new Commands(store, { now: clock.now }), clock };
}

/**
 * One command of the plan at its moment. `reads` and `writes` name what it depends on and what it changes, so the
 * seeder can send independent commands together and keep dependent ones in order.
 */
export interface PlannedCommand {
  readonly at: number;
  readonly command: CommandName;
  readonly input: Readonly<Record<string, unknown>>;
  readonly actor: Actor;
  readonly reads: readonly string[];
  readonly writes: readonly string[];
}

/** Every command of the plan, in time order (ties keep the order of the plan). */
export function planCommands(plan: DemoPlan): PlannedCommand[] {
  const organizer: Actor = { sub: plan.organizer, role: 'organizer' };
  const school = (schoolId: string): Actor => ({ sub: `${schoolId}-ggw`, role: 'school', schoolId });
  const judge = (sub: string): Actor => ({ sub, role: 'judge' });
  const planned: PlannedCommand[] = [];
  const add = (
    at: Iso,
    command: CommandName,
    input: Record<string, unknown>,
    actor: Actor,
    reads: string[],
    writes: string[],
  ) => {
    planned.push({ at: Date.parse(at), command, input, actor, reads, writes });
  };

  for (const s of plan.schools) {
    const { registeredAt: at, ...input } = s;
    add(at, 'registerSchool', input, organizer, [], [`school:${s.id}`]);
  }
  for (const e of plan.enrollments) {
    const { recordedAt: at, ...input } = e;
    add(at, 'recordEnrollment', input, organizer, [`school:${e.schoolId}`], [`enrollment:${e.schoolId}`]);
  }
  for (const l of plan.lecturers) {
    const { registeredAt: at, ...input } = l;
    add(at, 'registerLecturer', input, organizer, [], [`lecturer:${l.id}`]);
  }

  for (const c of plan.campaigns) {
    const id = c.definition.id;
    const campaign = `campaign:${id}`;
    add(c.createdAt, 'createCampaign', { ...c.definition }, organizer, [], [campaign]);
    add(c.openedAt, 'openCampaign', { id }, organizer, [], [campaign]);
    if (c.extended)
      add(c.extended.at, 'extendDeadline', { id, closesAt: c.extended.closesAt }, organizer, [], [campaign]);
    if (c.closedAt) add(c.closedAt, 'closeCampaign', { id }, organizer, [], [campaign]);
    for (const j of c.judges) {
      add(j.at, 'assignJudge', { campaignId: id, judge: j.judge }, organizer, [campaign], [`judge:${id}:${j.judge}`]);
    }
    if (c.publishedAt) add(c.publishedAt, 'publishResults', { id }, organizer, [], [campaign]);
  }

  for (const e of plan.entries) {
    const entryId = entryIdFor(e.campaignId, e.submissionId);
    const campaign = `campaign:${e.campaignId}`;
    const entry = `entry:${entryId}`;
    const { campaignId, submissionId, schoolId, title, advisor, performance, participants } = e;
    add(
      e.submittedAt,
      'submitEntry',
      { submissionId, campaignId, schoolId, title, advisor, performance, participants },
      school(schoolId),
      [campaign, `school:${schoolId}`],
      [entry],
    );
    if (e.revision) {
      const { at, ...changes } = e.revision;
      add(at, 'reviseEntry', { entryId, ...changes }, school(schoolId), [campaign], [entry]);
    }
    if (e.withdrawal) {
      const { at, reason, by } = e.withdrawal;
      const actor = by === 'school' ? school(schoolId) : organizer;
      // Withdrawals change the live count that award quotas are computed from.
      add(at, 'withdrawEntry', { entryId, reason }, actor, [campaign], [entry, `live:${campaignId}`]);
    }
    const judging = (sub: string) => [campaign, `judge:${campaignId}:${sub}`, entry];
    for (const r of e.recusals) {
      add(r.at, 'recuseFromEntry', { entryId, reason: r.reason }, judge(r.judge), judging(r.judge), [
        `score:${entryId}:${r.judge}`,
      ]);
    }
    for (const s of e.scores) {
      const input = { entryId, criteria: s.criteria, ...(s.comment ? { comment: s.comment } : {}) };
      add(s.at, 'scoreEntry', input, judge(s.judge), judging(s.judge), [`score:${entryId}:${s.judge}`]);
    }
    if (e.award) {
      const input = { entryId, prize: e.award.prize };
      add(e.award.at, 'awardEntry', input, organizer, [campaign, entry, `live:${campaignId}`], [`award:${entryId}`]);
    }
    if (e.rating) {
      const input = { entryId, stars: e.rating.stars };
      add(e.rating.at, 'rateEntry', input, organizer, [campaign, entry], [`rating:${entryId}`]);
    }
  }

  for (const l of plan.lectures) {
    const lectureId = lectureIdFor(l.campaignId, l.key);
    const campaign = `campaign:${l.campaignId}`;
    const lecture = `lecture:${lectureId}`;
    const reads = [campaign, `lecturer:${l.lecturerId}`, ...(l.schoolId ? [`school:${l.schoolId}`] : [])];
    const { key, campaignId, lecturerId, schoolId, venue, topic, scheduledAt } = l;
    const input = { lectureId: key, campaignId, lecturerId, schoolId, venue, topic, scheduledAt };
    add(l.at, 'scheduleLecture', input, organizer, reads, [lecture]);
    if (l.rescheduled) {
      const { at, scheduledAt: to } = l.rescheduled;
      add(at, 'rescheduleLecture', { lectureId, scheduledAt: to }, organizer, [campaign], [lecture]);
    }
    if (l.delivered) {
      const { at, audience, durationMinutes } = l.delivered;
      add(at, 'recordLectureDelivered', { lectureId, audience, durationMinutes }, organizer, [campaign], [lecture]);
    }
    if (l.cancelled) {
      const { at, reason } = l.cancelled;
      add(at, 'cancelLecture', { lectureId, reason }, organizer, [campaign], [lecture]);
    }
  }

  return planned
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.at - b.c.at || a.i - b.i)
    .map(({ c }) => c);
}

const DAY = 24 * 60 * 60 * 1000;
/** The local (+08:00) day of a moment. */
const dayNumber = (at: number) => Math.floor((at + 8 * 60 * 60 * 1000) / DAY);

/**
 * Cuts the time-ordered commands into batches that may run concurrently: a batch ends before a command that reads
 * or writes something a command of the batch writes (or writes what one reads), and at midnight, so the clock
 * never runs ahead of a deadline while earlier commands of the same day are still being decided.
 */
export function batches(commands: readonly PlannedCommand[]): PlannedCommand[][] {
  const result: PlannedCommand[][] = [];
  let batch: PlannedCommand[] = [];
  let reads = new Set<string>();
  let writes = new Set<string>();
  let day = Number.NaN;
  for (const command of commands) {
    const conflict =
      dayNumber(command.at) !== day ||
      command.reads.some((key) => writes.has(key)) ||
      command.writes.some((key) => writes.has(key) || reads.has(key));
    if (conflict && batch.length > 0) {
      result.push(batch);
      batch = [];
      reads = new Set();
      writes = new Set();
    }
    day = dayNumber(command.at);
    batch.push(command);
    for (const key of command.reads) reads.add(key);
    for (const key of command.writes) writes.add(key);
  }
  if (batch.length > 0) result.push(batch);
  return result;
}

interface SeedProgress {
  readonly done: number;
  readonly total: number;
  /** The plan's moment reached. */
  readonly at: Date;
}

export interface SeedOptions {
  /** The clock `commands` decide with (from `createDemoCommands`). */
  readonly clock: PlanClock;
  /** Commands in flight at once (default 64); the event store group-commits concurrent appends. */
  readonly concurrency?: number;
  /** Called after every batch. */
  readonly onProgress?: (progress: SeedProgress) => void;
}

export interface SeedCounts {
  readonly commands: number;
  /** Events appended. */
  readonly events: number;
  /** Commands that appended nothing (a retry of something already done); 0 on an empty store. */
  readonly unchanged: number;
  readonly batches: number;
  readonly byCommand: Readonly<Partial<Record<CommandName, number>>>;
  /** Global position of the last event appended: wait for the read models to reach it. */
  readonly lastPosition: Position;
  readonly durationMs: number;
}

/** Thrown when the domain refuses a planned command: the plan and the domain disagree. */
class SeedError extends Error {
  override readonly name = 'SeedError';
  constructor(
    readonly planned: PlannedCommand,
    override readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    const code = (cause as { code?: unknown } | null)?.code;
    super(
      `${planned.command} at ${new Date(planned.at).toISOString()} was refused${code ? ` (${String(code)})` : ''}: ` +
        `${reason}\n  input: ${JSON.stringify(planned.input).slice(0, 300)}`,
    );
  }
}

/**
 * Issues every command of the plan through `commands`, in time order, up to `concurrency` at once within a batch of
 * independent commands. Refusals are bugs in the plan: the first one stops the seeding with a SeedError.
 */
export async function seedDemoYear(commands: Commands, plan: DemoPlan, options: SeedOptions): Promise<SeedCounts> {
  const started = performance.now();
  const { clock } = options;
  const concurrency = Math.max(1, options.concurrency ?? 64);
  const planned = planCommands(plan);
  const cut = batches(planned);
  const byCommand: Partial<Record<CommandName, number>> = {};
  let events = 0;
  let unchanged = 0;
  let done = 0;
  let lastPosition: Position = START;

  const issue = async (command: PlannedCommand, index: number): Promise<void> => {
    let outcome: CommandOutcome;
    try {
      const meta = { actor: command.actor, correlationId: `demo-${plan.seed}-${index}` };
      outcome = await commands[command.command](command.input, meta);
    } catch (error) {
      throw new SeedError(command, error);
    }
    byCommand[command.command] = (byCommand[command.command] ?? 0) + 1;
    events += outcome.appended;
    if (outcome.appended === 0) unchanged++;
    if (comparePositions(outcome.position, lastPosition) > 0) lastPosition = outcome.position;
  };

  for (const batch of cut) {
    let next = 0;
    let failure: unknown;
    const worker = async () => {
      while (failure === undefined && next < batch.length) {
        const index = next++;
        const command = batch[index] as PlannedCommand;
        // Commands are sent in time order; the clock follows, so each is decided at (or just after) its moment.
        clock.advanceTo(command.at);
        try {
          await issue(command, done + index);
        } catch (error) {
          failure ??= error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker));
    if (failure !== undefined) throw failure;
    done += batch.length;
    options.onProgress?.({ done, total: planned.length, at: new Date((batch.at(-1) as PlannedCommand).at) });
  }

  return {
    commands: planned.length,
    events,
    unchanged,
    batches: cut.length,
    byCommand,
    lastPosition,
    durationMs: performance.now() - started,
  };
}
