import type { EventOf } from '@qingmiao/schema';
import type { Decider } from '../decider.ts';
import { Conflict } from '../errors.ts';

export type RetentionEvent = EventOf<'PersonalDataExpired'>;

export type RetentionCommand = {
  readonly type: 'ExpirePersonalData';
  readonly input: { readonly year: number; readonly retentionYears: number };
};

/** The years whose personal data has expired. */
export interface RetentionState {
  readonly expired: ReadonlySet<number>;
}

/**
 * When the personal data of a campaign year's entries expires: once `retentionYears` whole years have passed after
 * the year, at the start of the next one in the bureau's time zone (2022 kept 3 years: 2026-01-01 00:00 in
 * Shanghai, which has no daylight saving time).
 */
export function personalDataDueAt(year: number, retentionYears: number): Date {
  return new Date(`${year + retentionYears + 1}-01-01T00:00:00+08:00`);
}

export const retentionDecider: Decider<RetentionState, RetentionCommand, RetentionEvent> = {
  initialState: { expired: new Set() },

  decide(command, state, { now }) {
    const { year, retentionYears } = command.input;
    // Once expired, a year stays expired (its keys are gone): a later run or a changed setting records nothing.
    if (state.expired.has(year)) return [];
    const due = personalDataDueAt(year, retentionYears);
    if (Date.parse(now) < due.getTime()) {
      throw new Conflict(`The personal data of ${year} is kept until ${due.toISOString()}`);
    }
    return [{ type: 'PersonalDataExpired', data: { year, retentionYears } }];
  },

  evolve(state, event) {
    return { expired: new Set(state.expired).add(event.data.year) };
  },
};
