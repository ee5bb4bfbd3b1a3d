import { setImmediate as nextTurn } from 'node:timers/promises';
import { comparePositions, type EventStore, type Position } from '@qingmiao/event-store';
import { type DomainEvent, type ParticipationGrouping, readTrustedEvent, streams } from '@qingmiao/schema';
import Database from 'better-sqlite3';
import { LRUCache } from 'lru-cache';
import pLimit from 'p-limit';
import { createApplier, createIndexes, createTables } from './apply.ts';
import {
  type AwardsCounted,
  PARTICIPATION_TABLES,
  type ParticipationRow,
  participationQuery,
} from './participation.ts';
import type { Projection, Statement } from './projection.ts';
import type { ReadModelQueries } from './read-models/index.ts';

/** What the replayer asks of the serving read models (a `ReadSide`): which schools and campaigns exist. */
export interface LiveReadModels {
  waitFor(position: Position): Promise<void>;
  readonly read: ReadModelQueries;
}

/** Figures a caller asks for: a year's participation per grouping, optionally of one campaign. */
export interface ParticipationQuestion {
  readonly groupBy: ParticipationGrouping;
  readonly campaignId?: string | undefined;
  /** Said by every caller: which awards the asker may see counted. */
  readonly awards: AwardsCounted;
}

/** Participation figures of one year at one moment, per grouping and optionally of one campaign. */
type YearParticipation = (question: ParticipationQuestion) => ParticipationRow[];

export interface AsOfReplayerOptions {
  readonly store: EventStore;
  readonly live: LiveReadModels;
  readonly projections: readonly Projection[];
  /** Bounds the memory of each cache (years' in-memory databases; streams' events already read), in bytes. */
  readonly cacheBytes?: number;
  /**
   * Replays running at once (default 1): they share the event loop, so more only interleave them, each holding a
   * year's events and an in-memory database meanwhile.
   */
  readonly concurrency?: number;
  /** Replays waiting for their turn (default 8); beyond that a query is refused with ReplaysBusy. */
  readonly maxWaiting?: number;
}

/** Refusal when as many replays run and wait as allowed: the caller should retry after a while. */
export class ReplaysBusy extends Error {
  override readonly name = 'ReplaysBusy';
  readonly code = 'BUSY';
  /** A replay takes a few hundred milliseconds: by then the queue has moved on. */
  readonly retryAfterSeconds = 2;
  constructor() {
    super('Too many as-of replays are running; retry later');
  }
}

/**
 * The longest a replay holds the event loop at a stretch: a replay of a year costs ~100 ms of CPU, which would
 * stall every other request (health checks included) if run in one go.
 */
const SLICE_MS = 5;

/**
 * Time slices of one replay. The function returns undefined while the current slice lasts, else the next turn of
 * the event loop, shared by every part of the replay that asks meanwhile: a replay runs one slice per turn however
 * many streams it reads at once. Ask again after the turn (`for (let t = due(); t; t = due()) await t`), in the same
 * synchronous stretch as the work that follows, or the answer may be stale.
 */
function timeSlices(): () => Promise<void> | undefined {
  let start = performance.now();
  let turn: Promise<void> | undefined;
  return () => {
    if (turn || performance.now() - start < SLICE_MS) return turn;
    turn = nextTurn().then(() => {
      turn = undefined;
      start = performance.now();
    });
    return turn;
  };
}

/** Events read from a stream at once: reading and decoding a page is one stretch of the event loop. */
const PAGE = 250;

type Parsed = NonNullable<ReturnType<typeof readTrustedEvent>>;

/** An event as a replay needs it, parsed once. */
interface Replayable {
  readonly position: Position;
  readonly recordedAt: number;
  /** Undefined when there is nothing to apply (an unknown type, or nothing the figures read): its time still cuts the log. */
  readonly parsed: Parsed | undefined;
}

/** The events of a stream read so far (a stream only grows, so a prefix stays valid). */
interface StreamPrefix {
  readonly events: readonly Replayable[];
  readonly next: number;
  readonly bytes: number;
}

/** Memory of a parsed event besides twice the JSON of its data: metadata, position and object headers. */
const PARSED_OVERHEAD = 1024;
/** Memory of an event kept for its time only: position and object headers. */
const TIME_ONLY = 128;

const EMPTY: StreamPrefix = { events: [], next: 0, bytes: 0 };

interface YearModels {
  readonly db: Database.Database;
  readonly participation: YearParticipation;
  readonly bytes: number;
}

/**
 * The projections reduced to the statements that write `tables`: an as-of replay skips the history, scores and
 * other tables the figures do not read, and the event types left with no such statement.
 */
function narrowProjections(projections: readonly Projection[], tables: ReadonlySet<string>): Projection[] {
  return projections.flatMap((projection) => {
    const statements = Object.fromEntries(
      Object.entries<Statement>(projection.statements).filter(([, { table }]) => tables.has(table)),
    );
    const kept = new Set(Object.keys(statements));
    const handles = Object.fromEntries(
      Object.entries(projection.handles).flatMap(([type, names]) => {
        const writes = names.filter((name) => kept.has(name));
        return writes.length > 0 ? [[type, writes]] : [];
      }),
    );
    if (Object.keys(handles).length === 0) return [];
    return [
      {
        ...projection,
        statements,
        handles,
        handle: (event, context) => projection.handle(event, context).filter((op) => kept.has(op.statement)),
      },
    ];
  });
}

/** School streams also hold every other year's enrollment, which the year's figures do not read. */
const concernsYear = (event: DomainEvent, year: number) =>
  event.type !== 'EnrollmentRecorded' || event.data.year === year;

/**
 * Participation figures of a year as they were at a past moment, so a report can be reproduced after late
 * corrections. A year's figures depend only on the school streams (schools, enrollments) and the streams of that
 * year's campaigns (entries, participants, lectures; a campaign's year never changes), so only those are replayed,
 * merged in log order and cut before the first event recorded after the moment, into an in-memory database of the
 * tables the figures read. Cost and memory follow the size of the year, not of the log. The events read are kept,
 * so another moment of the same year only reads what is new; years at moments the log has already moved past are
 * cached, while "as of" a moment not yet passed must see later events next time.
 */
export class AsOfReplayer {
  readonly #store: EventStore;
  readonly #live: LiveReadModels;
  /** The event types that change a table the figures read: of the others (scores, judges) only the time is kept. */
  readonly #relevant: ReadonlySet<string>;
  readonly #projections: readonly Projection[];
  readonly #years: LRUCache<string, YearModels>;
  /** Years being answered, with their number of readers: one evicted from the cache meanwhile stays open. */
  readonly #readers = new Map<YearModels, number>();
  readonly #streams: LRUCache<string, StreamPrefix>;
  readonly #replays: ReturnType<typeof pLimit>;
  readonly #capacity: number;
  /** Counts calls of `forget`: what was read before one is not kept. */
  #forgets = 0;

  constructor(options: AsOfReplayerOptions) {
    this.#store = options.store;
    this.#live = options.live;
    this.#projections = narrowProjections(options.projections, PARTICIPATION_TABLES);
    this.#relevant = new Set(this.#projections.flatMap((projection) => Object.keys(projection.handles)));
    const maxSize = options.cacheBytes ?? 32 * 1024 * 1024;
    this.#years = new LRUCache({
      maxSize,
      sizeCalculation: (models) => Math.max(1, models.bytes),
      dispose: (models) => {
        if (!this.#readers.has(models)) models.db.close();
      },
    });
    this.#streams = new LRUCache({ maxSize, sizeCalculation: (prefix) => Math.max(1, prefix.bytes) });
    const concurrency = options.concurrency ?? 1;
    this.#replays = pLimit(concurrency);
    this.#capacity = concurrency + (options.maxWaiting ?? 8);
  }

  /**
   * Answers each question with the participation figures of `year` as they were at `moment`, one answer per turn of
   * the event loop (each is a query of ~10 ms). A moment not cached waits for a replay slot; ReplaysBusy when
   * as many replays run and wait as allowed.
   */
  async query(year: number, moment: Date, questions: readonly ParticipationQuestion[]): Promise<ParticipationRow[][]> {
    const key = `${year}@${moment.getTime()}`;
    let models = this.#years.get(key);
    if (!models) {
      if (this.#replays.activeCount + this.#replays.pendingCount >= this.#capacity) throw new ReplaysBusy();
      const forgets = this.#forgets;
      const replayed = await this.#replays(() => this.#replay(year, moment.getTime()));
      models = replayed.models;
      if (replayed.final && forgets === this.#forgets) this.#years.set(key, models);
    }
    // Counted as read in the same turn as it was found or cached, so that no eviction closes it under the reader.
    this.#readers.set(models, (this.#readers.get(models) ?? 0) + 1);
    try {
      const answers: ParticipationRow[][] = [];
      for (const question of questions) {
        await nextTurn();
        answers.push(models.participation(question));
      }
      return answers;
    } finally {
      const readers = (this.#readers.get(models) ?? 1) - 1;
      if (readers > 0) this.#readers.set(models, readers);
      else {
        this.#readers.delete(models);
        // Not final, evicted while read, or larger than the whole cache (which then neither keeps nor disposes it).
        if (this.#years.peek(key) !== models) models.db.close();
      }
    }
  }

  /**
   * Forgets every event read and every year replayed: they hold personal data as it read then, which an erasure
   * or expiry has since destroyed. Replays under way finish but keep nothing.
   */
  forget(): void {
    this.#forgets++;
    this.#streams.clear();
    this.#years.clear();
  }

  async #replay(year: number, cut: number): Promise<{ models: YearModels; final: boolean }> {
    // Once the read side has seen the head, it knows every school and campaign of the prefix replayed below.
    const head = await this.#store.headPosition();
    await this.#live.waitFor(head);
    const { read } = this.#live;
    // One clock for the whole replay: its streams are read concurrently, in microtasks that never yield by themselves.
    const due = timeSlices();
    const names = [
      ...read.schools().map((school) => streams.school(school.id)),
      ...read.campaigns({ year }).map((campaign) => streams.campaign(campaign.id)),
    ];
    const events = (await Promise.all(names.map((name) => this.#readUpTo(name, cut, due))))
      .flat()
      .filter((event) => comparePositions(event.position, head) <= 0)
      .sort((a, b) => comparePositions(a.position, b.position));
    const db = new Database(':memory:');
    try {
      createTables(db, this.#projections, { indexes: false });
      const applier = createApplier(db, this.#projections);
      let final = false;
      // One transaction across the slices: the database is private to this replay until it is returned.
      db.exec('BEGIN');
      for (const { position, recordedAt, parsed } of events) {
        if (recordedAt > cut) {
          final = true;
          break;
        }
        if (parsed && concernsYear(parsed.event, year)) applier.apply(parsed.event, parsed.metadata, position.commit);
        for (let turn = due(); turn; turn = due()) await turn;
      }
      db.exec('COMMIT');
      for (let turn = due(); turn; turn = due()) await turn;
      createIndexes(db, this.#projections);
      const query = participationQuery(db);
      const bytes =
        Number(db.pragma('page_count', { simple: true })) * Number(db.pragma('page_size', { simple: true }));
      return {
        models: {
          db,
          bytes,
          participation: ({ groupBy, campaignId, awards }) => query(year, groupBy, campaignId, awards),
        },
        final,
      };
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /**
   * The events of a stream up to and including its first one recorded after `cut` (or its end): the replay stops
   * there anyway, as everything later in the stream is later in the log. Read once and kept, then extended.
   */
  async #readUpTo(stream: string, cut: number, due: () => Promise<void> | undefined): Promise<readonly Replayable[]> {
    const forgets = this.#forgets;
    const known = this.#streams.get(stream) ?? EMPTY;
    let { events, next, bytes } = known;
    while (!((events.at(-1)?.recordedAt ?? Number.NEGATIVE_INFINITY) > cut)) {
      // Every stream's first page would otherwise be read in the turn that starts the replay.
      for (let turn = due(); turn; turn = due()) await turn;
      const page = await this.#store.readStream(stream, { fromRevision: next, limit: PAGE });
      const read: Replayable[] = [];
      for (const recorded of page) {
        // Taken as stored when of the current version, as the projection runner takes them (the command runner
        // validated them before appending): most of a year's events are scores, read here only for their time.
        const parsed = readTrustedEvent(recorded);
        const kept = parsed && this.#relevant.has(parsed.event.type) ? parsed : undefined;
        bytes += kept ? PARSED_OVERHEAD + 2 * JSON.stringify(recorded.data).length : TIME_ONLY;
        const recordedAt = Date.parse(parsed?.metadata.recordedAt ?? recorded.created);
        read.push({ position: recorded.position, recordedAt, parsed: kept });
        for (let turn = due(); turn; turn = due()) await turn;
      }
      events = [...events, ...read];
      next += page.length;
      if (page.length < PAGE) break;
    }
    // Another call may have read further meanwhile: keep the longer prefix.
    if (forgets === this.#forgets && next > (this.#streams.peek(stream)?.next ?? 0)) {
      this.#streams.set(stream, { events, next, bytes });
    }
    return events;
  }
}
