import { describe, it } from 'vitest';
import { type OrganizerRosterEvent, organizerRosterDecider } from '../src/accounts/organizers.ts';
import { Conflict } from '../src/errors.ts';
import { given } from './given-when-then.ts';

const enlisted = (accountId: string): OrganizerRosterEvent => ({ type: 'OrganizerEnlisted', data: { accountId } });
const delisted = (accountId: string): OrganizerRosterEvent => ({ type: 'OrganizerDelisted', data: { accountId } });

describe('the roster of enabled organizers', () => {
  it('enlists an organizer once', () => {
    given(organizerRosterDecider)
      .when({ type: 'EnlistOrganizer', accountId: 'a' })
      .then([enlisted('a')]);
    given(organizerRosterDecider, [enlisted('a')])
      .when({ type: 'EnlistOrganizer', accountId: 'a' })
      .then([]);
  });

  it('delists an organizer while another stays enabled', () => {
    given(organizerRosterDecider, [enlisted('a'), enlisted('b')])
      .when({ type: 'DelistOrganizer', accountId: 'a' })
      .then([delisted('a')]);
  });

  it('refuses to delist the last enabled organizer', () => {
    given(organizerRosterDecider, [enlisted('a')])
      .when({ type: 'DelistOrganizer', accountId: 'a' })
      .thenThrows(Conflict, 'last enabled organizer');
    given(organizerRosterDecider, [enlisted('a'), enlisted('b'), delisted('b')])
      .when({ type: 'DelistOrganizer', accountId: 'a' })
      .thenThrows(Conflict, 'last enabled organizer');
  });

  it('appends nothing for an account not on the roster', () => {
    given(organizerRosterDecider, [enlisted('a')])
      .when({ type: 'DelistOrganizer', accountId: 'b' })
      .then([]);
  });
});
