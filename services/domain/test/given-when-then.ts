import { type Actor, events as catalogue, type DomainEvent } from '@qingmiao/schema';
import { expect } from 'vitest';
import type { Decider, DecisionContext } from '../src/decider.ts';

/** The moment decisions are taken at unless a test says otherwise (2022-06-01 08:00 in Beijing). */
export const NOW = '2022-06-01T00:00:00.000Z';
export const ORGANIZER: Actor = { sub: 'organizer-1', role: 'organizer' };
export const schoolActor = (schoolId: string): Actor => ({ sub: `contact-${schoolId}`, role: 'school', schoolId });

const defaultContext: DecisionContext = { actor: ORGANIZER, now: NOW };

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Decider tests in the Emmett style: `given(decider, events).when(command, context?).then(events)` or
 * `.thenThrows(ErrorClass, messagePart?)`, where a RegExp part must match the message (see `onField`). The given
 * events are folded with `evolve` from the initial state; the context defaults to an organizer acting at NOW.
 * Expected events are also checked against the event catalogue.
 */
export function given<State, Command, Event extends DomainEvent>(
  decider: Decider<State, Command, Event>,
  events: readonly Event[] = [],
) {
  const state = events.reduce((current, event) => decider.evolve(current, event), decider.initialState);
  return {
    when(command: Command, context: Partial<DecisionContext> = {}) {
      const decide = () => decider.decide(command, state, { ...defaultContext, ...context });
      return {
        // biome-ignore lint/suspicious/noThenProperty: the given/when/then vocabulary; this object is never awaited.
        then(expected: readonly Event[]): void {
          const decided = decide();
          expect(decided).toEqual(expected);
          // What a decider emits is a valid event of the contract, and reads back as it was written.
          for (const event of decided) {
            const stored = { type: event.type, data: JSON.parse(JSON.stringify(event.data)) };
            expect(catalogue.decode({ ...stored, schemaVersion: catalogue.versionOf(event.type) })).toEqual(event);
          }
        },
        thenThrows(type: ErrorClass, messagePart?: string | RegExp): void {
          let outcome: { events: readonly Event[] } | { error: unknown };
          try {
            outcome = { events: decide() };
          } catch (error) {
            outcome = { error };
          }
          if (!('error' in outcome)) {
            expect.fail(`expected ${type.name}, but the decider returned ${JSON.stringify(outcome.events)}`);
          }
          const thrown = outcome.error;
          expect(thrown).toBeInstanceOf(type);
          const message = (thrown as Error).message;
          if (typeof messagePart === 'string') expect(message).toContain(messagePart);
          else if (messagePart) expect(message).toMatch(messagePart);
        },
      };
    },
  };
}

/** Matches an InvalidInput refusing exactly `field` (its message is `${field}: …`), not merely one containing it. */
export function onField(field: string): RegExp {
  return new RegExp(`^${field.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `);
}
