import type { EventOf } from '@qingmiao/schema';
import type { Decider } from '../decider.ts';
import { Conflict } from '../errors.ts';

export type OrganizerRosterEvent = EventOf<'OrganizerEnlisted'> | EventOf<'OrganizerDelisted'>;

export type OrganizerRosterCommand = {
  readonly type: 'EnlistOrganizer' | 'DelistOrganizer';
  readonly accountId: string;
};

/** The organizer accounts that are not disabled. */
export interface OrganizerRosterState {
  readonly enabled: ReadonlySet<string>;
}

/**
 * "There is always at least one enabled organizer" needs to know about every organizer account, so the `organizers`
 * stream keeps the roster and every change to it is appended with its expected revision: two organizers disabling
 * each other at once are decided one after the other, and the second is refused. The shell delists before it
 * disables and enlists after it creates or enables, so after a crash between the two appends the roster can only
 * miss an enabled organizer (refusing too much, until the command is retried), never count a disabled one.
 */
export const organizerRosterDecider: Decider<OrganizerRosterState, OrganizerRosterCommand, OrganizerRosterEvent> = {
  initialState: { enabled: new Set() },

  decide({ type, accountId }, { enabled }) {
    const data = { accountId };
    if (type === 'EnlistOrganizer') return enabled.has(accountId) ? [] : [{ type: 'OrganizerEnlisted', data }];
    if (!enabled.has(accountId)) return [];
    if (enabled.size === 1) throw new Conflict('The last enabled organizer account cannot be disabled');
    return [{ type: 'OrganizerDelisted', data }];
  },

  evolve({ enabled }, { type, data }) {
    const next = new Set(enabled);
    if (type === 'OrganizerEnlisted') next.add(data.accountId);
    else next.delete(data.accountId);
    return { enabled: next };
  },
};
