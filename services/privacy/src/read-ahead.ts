import type { RecordedEvent, Subscription, SubscriptionMessage } from '@qingmiao/event-store';

type Step = IteratorResult<SubscriptionMessage, undefined>;

const ended: Step = { done: true, value: undefined };

/**
 * `source` with each page of events passed through `open`, up to `depth` pages ahead of the reader: while the reader
 * works on one page, the next ones are read and their opening runs (in a worker thread, when `open` puts it there).
 * Pages come out in order, as do failures: a page that fails to open, or the source failing, is thrown where that
 * page would have come, after the pages before it. `open` is called in the order of the pages.
 */
export function readAhead(
  source: Subscription,
  open: (events: readonly RecordedEvent[]) => Promise<readonly RecordedEvent[]>,
  depth: number,
): Subscription {
  const iterator = source[Symbol.asyncIterator]();
  const ahead: Promise<Step>[] = [];
  let closed = false;
  let wakeReader: (() => void) | undefined;
  let wakePump: (() => void) | undefined;
  const wake = () => {
    wakeReader?.();
    wakeReader = undefined;
  };
  const push = (step: Promise<Step>) => {
    // Handled when the reader takes it; until then a failure is not unhandled.
    step.catch(() => undefined);
    ahead.push(step);
    wake();
  };

  const pump = (async () => {
    while (!closed) {
      if (ahead.length >= depth) {
        await new Promise<void>((resolve) => {
          wakePump = resolve;
        });
        continue;
      }
      let step: Step;
      try {
        step = await iterator.next();
      } catch (error) {
        push(Promise.reject(error));
        return;
      }
      if (step.done) {
        push(Promise.resolve(ended));
        return;
      }
      const message = step.value;
      push(
        message.kind === 'events'
          ? open(message.events).then((events) => ({ done: false, value: { kind: 'events', events } }))
          : Promise.resolve(step),
      );
    }
  })();

  async function* messages(): AsyncGenerator<SubscriptionMessage> {
    try {
      for (;;) {
        const next = ahead.shift();
        if (!next) {
          if (closed) return;
          await new Promise<void>((resolve) => {
            wakeReader = resolve;
          });
          continue;
        }
        wakePump?.();
        wakePump = undefined;
        const step = await next;
        if (step.done) return;
        yield step.value;
      }
    } finally {
      closed = true;
      wakePump?.();
    }
  }

  const reader = messages();
  return {
    [Symbol.asyncIterator]: () => reader,
    close: async () => {
      closed = true;
      wakePump?.();
      await source.close();
      await pump;
      wake();
      await reader.return(undefined);
    },
  };
}
