import {
  comparePositions,
  DuplicateEventIds,
  type EventStore,
  type Position,
  type RecordedEvent,
  START,
  type Subscription,
  type SubscriptionMessage,
  WrongExpectedVersion,
} from '@qingmiao/event-store';

/**
 * A store on a shared server seen as if it were empty: its streams carry a prefix of their own and the log starts
 * after `floor`, the head when it was opened. The contract suite needs an empty store per test, which a long-running
 * KurrentDB server cannot give; tests against one run one at a time, so nothing else writes meanwhile.
 */
export class IsolatedEventStore implements EventStore {
  constructor(
    readonly inner: EventStore,
    readonly prefix: string,
    readonly floor: Position,
  ) {}

  #own(event: RecordedEvent): boolean {
    return event.stream.startsWith(this.prefix);
  }

  #strip(event: RecordedEvent): RecordedEvent {
    return { ...event, stream: event.stream.slice(this.prefix.length) };
  }

  #from(after: Position | undefined): Position {
    return after && comparePositions(after, this.floor) > 0 ? after : this.floor;
  }

  async append(...[stream, events, options]: Parameters<EventStore['append']>) {
    try {
      return await this.inner.append(`${this.prefix}${stream}`, events, options);
    } catch (error) {
      if (error instanceof WrongExpectedVersion) {
        throw new WrongExpectedVersion(stream, error.expectedRevision, error.actualRevision);
      }
      if (error instanceof DuplicateEventIds) throw new DuplicateEventIds(stream, error.ids);
      throw error;
    }
  }

  async readStream(...[stream, options]: Parameters<EventStore['readStream']>) {
    return (await this.inner.readStream(`${this.prefix}${stream}`, options)).map((event) => this.#strip(event));
  }

  async readAll(options: Parameters<EventStore['readAll']>[0] = {}) {
    const limit = options.limit ?? 1000;
    const events: RecordedEvent[] = [];
    let after = this.#from(options.after);
    while (events.length < limit) {
      const page = await this.inner.readAll({ after, limit });
      events.push(...page.filter((event) => this.#own(event)).map((event) => this.#strip(event)));
      const last = page.at(-1);
      if (!last) break;
      after = last.position;
    }
    return events.slice(0, limit);
  }

  async headPosition(): Promise<Position> {
    let head = START;
    for (let after = this.floor; ; ) {
      const page = await this.inner.readAll({ after, limit: 1000 });
      const last = page.at(-1);
      if (!last) return head;
      head = page.filter((event) => this.#own(event)).at(-1)?.position ?? head;
      after = last.position;
    }
  }

  subscribeAll(options: { readonly after?: Position } = {}): Subscription {
    const inner = this.inner.subscribeAll({ after: this.#from(options.after) });
    const own = (event: RecordedEvent) => this.#own(event);
    const strip = (event: RecordedEvent) => this.#strip(event);
    const floor = this.floor;
    async function* messages(): AsyncGenerator<SubscriptionMessage> {
      for await (const message of inner) {
        if (message.kind === 'caughtUp') {
          yield comparePositions(message.position, floor) <= 0 ? { kind: 'caughtUp', position: START } : message;
          continue;
        }
        const events = message.events.filter(own).map(strip);
        if (events.length > 0) yield { kind: 'events', events };
      }
    }
    const iterator = messages();
    return { [Symbol.asyncIterator]: () => iterator, close: () => inner.close() };
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
