import { randomUUID } from 'node:crypto';
import { type EventStore, type EventToAppend, type Position, START, WrongExpectedVersion } from '@qingmiao/event-store';
import { type Actor, events as catalogue, type DomainEvent, readEvent } from '@qingmiao/schema';
import { LRUCache } from 'lru-cache';
import { type Decider, evolveAll } from './decider.ts';
import { DomainError } from './errors.ts';

/** A decider and the name used in logs; its events must be a subset of the catalogue. */
export interface Aggregate<State, Command, Event extends DomainEvent> {
  readonly name: string;
  readonly decider: Decider<State, Command, Event>;
}

export interface CommandMeta {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId?: string;
}

export interface Loaded<State> {
  readonly state: State;
  /** Revision of the last event folded into `state`; -1 when the stream does not exist. */
  readonly revision: number;
  readonly position: Position;
}

export interface CommandOutcome {
  /** Global position the read models must reach for this command's effect to be visible. */
  readonly position: Position;
  readonly appended: number;
}

interface Pending<Command> {
  readonly command: Command;
  readonly meta: CommandMeta;
  readonly resolve: (outcome: CommandOutcome) => void;
  readonly reject: (error: unknown) => void;
}

export interface CommandRunnerOptions {
  readonly now?: () => Date;
  /** Attempts per batch when other writers (other processes) move the stream between read and append. */
  readonly maxAttempts?: number;
  /** Streams whose folded state is kept in memory. */
  readonly cachedStreams?: number;
  /** Told when each command settles, for metrics. */
  readonly onSettled?: (settled: SettledCommand) => void;
}

export interface SettledCommand {
  readonly aggregate: string;
  /** The command's `type`, e.g. SubmitEntry. */
  readonly type: string;
  readonly outcome: 'accepted' | 'refused' | 'failed';
  readonly appended: number;
  readonly durationMs: number;
}

/**
 * The imperative shell around the deciders: load state, decide, append with the expected revision, retry on
 * conflict. Commands for the same stream queue up while an append is in flight and are then decided one after the
 * other against the evolving state and appended together, so a busy campaign costs one commit per batch instead of
 * one conflict-and-retry per command. Folded states are cached by stream; a command is decided on the cached state
 * and the append's expected revision tells whether another writer moved the stream meanwhile, in which case only the
 * newer events are read.
 */
export class CommandRunner {
  readonly #store: EventStore;
  readonly #now: () => Date;
  readonly #maxAttempts: number;
  readonly #cache: LRUCache<string, Loaded<unknown>>;
  readonly #queues = new Map<string, Pending<unknown>[]>();
  readonly #onSettled: CommandRunnerOptions['onSettled'];
  /** Counts calls of `forget`. */
  #forgets = 0;

  constructor(store: EventStore, options: CommandRunnerOptions = {}) {
    this.#store = store;
    this.#now = options.now ?? (() => new Date());
    this.#maxAttempts = options.maxAttempts ?? 20;
    this.#cache = new LRUCache({ max: options.cachedStreams ?? 10_000 });
    this.#onSettled = options.onSettled;
  }

  /**
   * The current state of a stream (possibly from cache, caught up with the store). `settled` says when the facts
   * the caller reads from a state can no longer change (e.g. a school's registration): a cached state it accepts is
   * returned without asking the store.
   */
  async load<State, Command, Event extends DomainEvent>(
    aggregate: Aggregate<State, Command, Event>,
    stream: string,
    options: { readonly settled?: (state: State) => boolean } = {},
  ): Promise<Loaded<State>> {
    const cached = this.#cache.get(stream) as Loaded<State> | undefined;
    if (cached && options.settled?.(cached.state)) return cached;
    return this.#catchUp(aggregate, stream, cached);
  }

  /** Folds the events newer than `known` (a state this runner folded or appended earlier) and caches the result. */
  async #catchUp<State, Command, Event extends DomainEvent>(
    aggregate: Aggregate<State, Command, Event>,
    stream: string,
    known: Loaded<State> | undefined,
    /** `forget` calls counted when `known` was taken from the cache. */
    forgets = this.#forgets,
  ): Promise<Loaded<State>> {
    let { state, revision, position } = known ?? {
      state: aggregate.decider.initialState,
      revision: -1,
      position: START,
    };
    const newer = await this.#store.readStream(stream, { fromRevision: revision + 1 });
    for (const recorded of newer) {
      const read = readEvent(recorded);
      // Events this version does not know cannot change what it decides.
      if (read) state = aggregate.decider.evolve(state, read.event as Event);
      revision = recorded.revision;
      position = recorded.position;
    }
    const loaded = { state, revision, position };
    if (newer.length > 0 || !known) this.#keep(stream, loaded, forgets);
    return loaded;
  }

  /**
   * Drops the cached states of these streams; the next command folds them again from the store. A state folded or
   * decided from what was read before (a batch in flight) is then not cached either.
   */
  forget(streams: Iterable<string>): void {
    this.#forgets++;
    for (const stream of streams) this.#cache.delete(stream);
  }

  /** Caches a state unless `forget` was called since what it was folded from was read. */
  #keep(stream: string, loaded: Loaded<unknown>, forgets: number): void {
    if (forgets === this.#forgets) this.#cache.set(stream, loaded);
    else this.#cache.delete(stream);
  }

  run<State, Command extends { readonly type: string }, Event extends DomainEvent>(
    aggregate: Aggregate<State, Command, Event>,
    stream: string,
    command: Command,
    meta: CommandMeta,
  ): Promise<CommandOutcome> {
    return new Promise((resolve, reject) => {
      const queue = this.#queues.get(stream);
      const received = performance.now();
      const settled = (outcome: SettledCommand['outcome'], appended: number) =>
        this.#onSettled?.({
          aggregate: aggregate.name,
          type: command.type,
          outcome,
          appended,
          durationMs: performance.now() - received,
        });
      const pending: Pending<Command> = {
        command,
        meta,
        resolve: (result) => {
          settled('accepted', result.appended);
          resolve(result);
        },
        reject: (error) => {
          settled(error instanceof DomainError ? 'refused' : 'failed', 0);
          reject(error);
        },
      };
      if (queue) {
        queue.push(pending as Pending<unknown>);
        return;
      }
      const fresh: Pending<unknown>[] = [pending as Pending<unknown>];
      this.#queues.set(stream, fresh);
      void this.#drain(aggregate, stream, fresh as Pending<Command>[]);
    });
  }

  async #drain<State, Command, Event extends DomainEvent>(
    aggregate: Aggregate<State, Command, Event>,
    stream: string,
    queue: Pending<Command>[],
  ): Promise<void> {
    try {
      while (queue.length > 0) {
        const batch = queue.splice(0, queue.length);
        await this.#process(aggregate, stream, batch);
      }
    } finally {
      this.#queues.delete(stream);
    }
  }

  /**
   * Decides first on the cached state without reading the stream: the append checks the expected revision, so a
   * cache that another process made stale costs one conflict and a catch-up, never a wrong decision. A batch that
   * appends nothing (refusals, repeats) has no such check, so its cached state is caught up before it is answered.
   */
  async #process<State, Command, Event extends DomainEvent>(
    aggregate: Aggregate<State, Command, Event>,
    stream: string,
    batch: readonly Pending<Command>[],
  ): Promise<void> {
    const forgets = this.#forgets;
    let loaded = this.#cache.get(stream) as Loaded<State> | undefined;
    // Whether `loaded` was caught up with the store while this batch was being processed.
    let current = false;
    const catchUp = async (): Promise<Loaded<State>> => {
      loaded = await this.#catchUp(aggregate, stream, loaded, forgets);
      current = true;
      return loaded;
    };
    try {
      for (let attempt = 1; ; attempt++) {
        const base = loaded ?? (await catchUp());
        const { state, toAppend, settle } = this.#decide(aggregate, batch, base.state);
        if (toAppend.length === 0) {
          if (!current && (await catchUp()).revision !== base.revision) continue;
          settle(base.position);
          return;
        }
        try {
          const result = await this.#store.append(stream, toAppend, {
            expectedRevision: base.revision < 0 ? 'no_stream' : base.revision,
          });
          this.#keep(stream, { state, revision: result.nextExpectedRevision, position: result.position }, forgets);
          settle(result.position);
          return;
        } catch (error) {
          if (!(error instanceof WrongExpectedVersion) || attempt >= this.#maxAttempts) throw error;
        }
        // A state caught up just before the append lost a race with another writer: back off before the next try.
        if (current) await backoff(attempt);
        await catchUp();
      }
    } catch (error) {
      for (const pending of batch) pending.reject(error);
    }
  }

  /** Decides the batch's commands one after the other against the evolving state. */
  #decide<State, Command, Event extends DomainEvent>(
    aggregate: Aggregate<State, Command, Event>,
    batch: readonly Pending<Command>[],
    initial: State,
  ): { state: State; toAppend: EventToAppend[]; settle: (position: Position) => void } {
    const now = this.#now().toISOString();
    let state = initial;
    const toAppend: EventToAppend[] = [];
    const decided: Array<
      { pending: Pending<Command>; appended: number } | { pending: Pending<Command>; error: unknown }
    > = [];
    for (const pending of batch) {
      try {
        const events = aggregate.decider.decide(pending.command, state, { actor: pending.meta.actor, now });
        state = evolveAll(aggregate.decider, state, events);
        for (const event of events) toAppend.push(encode(event, pending.meta, now));
        decided.push({ pending, appended: events.length });
      } catch (error) {
        decided.push({ pending, error });
      }
    }
    const settle = (position: Position) => {
      for (const outcome of decided) {
        if ('error' in outcome) outcome.pending.reject(outcome.error);
        else outcome.pending.resolve({ position, appended: outcome.appended });
      }
    };
    return { state, toAppend, settle };
  }
}

function encode(event: DomainEvent, meta: CommandMeta, now: string): EventToAppend {
  // A decider bug must fail the command, never store an event its own readers would refuse.
  catalogue.decode({ type: event.type, data: event.data, schemaVersion: catalogue.versionOf(event.type) });
  const { actor, correlationId, causationId } = meta;
  return {
    id: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: {
      actor: actor.sub,
      role: actor.role,
      ...(actor.schoolId === undefined ? {} : { schoolId: actor.schoolId }),
      correlationId,
      ...(causationId === undefined ? {} : { causationId }),
      recordedAt: now,
      schemaVersion: catalogue.versionOf(event.type),
    },
  };
}

/** Jittered exponential backoff so competing processes do not collide again in lockstep. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(100, 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, ms));
}
