import type { Actor } from '@qingmiao/schema';

/** What a decision may depend on besides state and command: who asks, and when (injected to keep deciders pure). */
export interface DecisionContext {
  readonly actor: Actor;
  readonly now: string;
}

/** A pure decider: `decide` refuses by throwing a DomainError, `evolve` never fails. */
export interface Decider<State, Command, Event> {
  readonly initialState: State;
  decide(command: Command, state: State, context: DecisionContext): Event[];
  evolve(state: State, event: Event): State;
}

export function evolveAll<State, Event>(
  decider: Pick<Decider<State, never, Event>, 'evolve'>,
  state: State,
  events: readonly Event[],
): State {
  return events.reduce((current, event) => decider.evolve(current, event), state);
}
