import { describe, expect, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { Conflict, NotFound } from '../src/errors.ts';
import {
  personalDataDueAt,
  type RetentionCommand,
  type RetentionEvent,
  retentionDecider,
} from '../src/privacy/retention.ts';
import { type SchoolCommand, type SchoolEvent, schoolDecider } from '../src/schools/school.ts';
import { CAMPAIGN, closed, created, entryId, opened, published, submitted, withdrawn } from './campaign-fixtures.ts';
import { given } from './given-when-then.ts';

const SCHOOL = 'xinhua-primary';
const PARTICIPANT = 'p_pseudonymous-id-of-the-child';
const REASON = '监护人申请删除（2026-017号）';

const registered: SchoolEvent = {
  type: 'SchoolRegistered',
  data: { schoolId: SCHOOL, name: '新华小学', kind: 'PRIMARY', town: '城关镇', private: false },
};
const eraseParticipant = (participantId = PARTICIPANT): SchoolCommand => ({
  type: 'EraseParticipant',
  input: { schoolId: SCHOOL, participantId, reason: REASON },
});
const participantErased = (participantId = PARTICIPANT): SchoolEvent => ({
  type: 'ParticipantErased',
  data: { schoolId: SCHOOL, participantId, reason: REASON },
});

describe('EraseParticipant', () => {
  it('records the erasure by the pseudonymous id, with no personal data', () => {
    given(schoolDecider, [registered]).when(eraseParticipant()).then([participantErased()]);
  });

  it('is idempotent: erasing the same participant again records nothing', () => {
    given(schoolDecider, [registered, participantErased()]).when(eraseParticipant()).then([]);
  });

  it('erases another participant of the same school', () => {
    given(schoolDecider, [registered, participantErased()])
      .when(eraseParticipant('p_another'))
      .then([participantErased('p_another')]);
  });

  it('refuses a school that does not exist', () => {
    given(schoolDecider).when(eraseParticipant()).thenThrows(NotFound, SCHOOL);
  });
});

const ENTRY = entryId('sub-1');
const eraseEntry = (id = ENTRY): CampaignCommand => ({
  type: 'EraseEntryPersonalData',
  input: { entryId: id, reason: REASON },
});
const entryErased: CampaignEvent = {
  type: 'EntryPersonalDataErased',
  data: { campaignId: CAMPAIGN, entryId: ENTRY, reason: REASON },
};

describe('EraseEntryPersonalData', () => {
  it('records the erasure of an open campaign entry', () => {
    given(campaignDecider, [created(), opened(), submitted()]).when(eraseEntry()).then([entryErased]);
  });

  it('erases whatever the campaign status or the entry: closed, published, withdrawn', () => {
    given(campaignDecider, [created(), opened(), submitted(), withdrawn('sub-1'), closed(), published()])
      .when(eraseEntry())
      .then([entryErased]);
  });

  it('is idempotent: erasing the same entry again records nothing', () => {
    given(campaignDecider, [created(), opened(), submitted(), entryErased]).when(eraseEntry()).then([]);
  });

  it('refuses an entry that does not exist', () => {
    given(campaignDecider, [created(), opened()]).when(eraseEntry()).thenThrows(NotFound, ENTRY);
  });

  it('refuses a campaign that does not exist', () => {
    given(campaignDecider).when(eraseEntry()).thenThrows(NotFound, CAMPAIGN);
  });
});

const expire = (year: number, retentionYears = 3): RetentionCommand => ({
  type: 'ExpirePersonalData',
  input: { year, retentionYears },
});
const expired = (year: number, retentionYears = 3): RetentionEvent => ({
  type: 'PersonalDataExpired',
  data: { year, retentionYears },
});

describe('ExpirePersonalData', () => {
  it('is due at the start of the year after the retention period, in Shanghai', () => {
    expect(personalDataDueAt(2022, 3).toISOString()).toBe('2025-12-31T16:00:00.000Z');
    expect(personalDataDueAt(2022, 1).toISOString()).toBe('2023-12-31T16:00:00.000Z');
  });

  it('expires a year once it is due', () => {
    given(retentionDecider)
      .when(expire(2022), { now: '2025-12-31T16:00:00.000Z' })
      .then([expired(2022)]);
  });

  it('refuses before it is due, saying until when it is kept', () => {
    given(retentionDecider)
      .when(expire(2022), { now: '2025-12-31T15:59:59.999Z' })
      .thenThrows(Conflict, '2025-12-31T16:00:00.000Z');
  });

  it('is idempotent: an expired year records nothing, also under another setting', () => {
    const later = { now: '2030-01-01T00:00:00.000Z' };
    given(retentionDecider, [expired(2022)])
      .when(expire(2022), later)
      .then([]);
    given(retentionDecider, [expired(2022)])
      .when(expire(2022, 5), later)
      .then([]);
  });

  it('expires each year on its own', () => {
    given(retentionDecider, [expired(2022)])
      .when(expire(2023), { now: '2027-01-01T00:00:00.000Z' })
      .then([expired(2023)]);
  });
});
