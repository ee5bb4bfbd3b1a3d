import type { Participant, ReviseEntryInput } from '@qingmiao/schema';
import { describe, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { InvalidInput } from '../src/errors.ts';
import {
  asXinhua,
  CAMPAIGN,
  createCommand,
  created,
  definition,
  entryId,
  opened,
  submission,
  submitted,
  XINHUA,
} from './campaign-fixtures.ts';
import { given, onField } from './given-when-then.ts';

const student = (name: string, guardianConsent?: boolean): Participant => ({
  name,
  role: 'STUDENT',
  grade: '五年级',
  ...(guardianConsent === undefined ? {} : { guardianConsent }),
});
const TEACHER: Participant = { name: '王老师', role: 'TEACHER' };

const submit = (participants: Participant[]): CampaignCommand => ({
  type: 'SubmitEntry',
  input: submission({ participants }),
  school: XINHUA,
  attachments: [],
});

const revise = (participants: Participant[]): CampaignCommand => {
  const input: ReviseEntryInput = {
    entryId: entryId('sub-1'),
    title: undefined,
    participants,
    advisor: undefined,
    performance: undefined,
    body: undefined,
    attachmentIds: undefined,
  };
  return { type: 'ReviseEntry', input, attachments: [] };
};

const consenting: CampaignEvent[] = [created({ requireGuardianConsent: true }), opened()];

describe('a campaign requiring guardian consent', () => {
  it('is created with the option, and without it by default', () => {
    given(campaignDecider)
      .when(createCommand({ requireGuardianConsent: true }))
      .then([{ type: 'CampaignCreated', data: definition({ requireGuardianConsent: true }) }]);
    given(campaignDecider)
      .when(createCommand())
      .then([{ type: 'CampaignCreated', data: definition() }]);
  });

  it('is refused for a LECTURE campaign, whose lectures name no participants', () => {
    given(campaignDecider)
      .when(createCommand({ kind: 'LECTURE', requireGuardianConsent: true }))
      .thenThrows(InvalidInput, onField('requireGuardianConsent'));
  });

  it('takes an entry whose every student carries the consent, recording it on each', () => {
    const participants = [student('张小明', true), TEACHER, student('李小红', true)];
    given(campaignDecider, consenting)
      .when(submit(participants), asXinhua)
      .then([submitted({ participants })]);
  });

  it('refuses an entry naming the first student without consent, on that participant', () => {
    given(campaignDecider, consenting)
      .when(submit([student('张小明', true), TEACHER, student('李小红')]), asXinhua)
      .thenThrows(InvalidInput, onField('participants.2.guardianConsent'));
  });

  it('refuses a consent given as false like one not given', () => {
    given(campaignDecider, consenting)
      .when(submit([student('张小明', false)]), asXinhua)
      .thenThrows(InvalidInput, onField('participants.0.guardianConsent'));
  });

  it('asks none of teachers, retired teachers and parents', () => {
    const participants: Participant[] = [
      TEACHER,
      { name: '陈爷爷', role: 'RETIRED_TEACHER' },
      { name: '张妈妈', role: 'PARENT' },
    ];
    given(campaignDecider, consenting)
      .when(submit(participants), asXinhua)
      .then([submitted({ participants })]);
  });

  it('refuses a revision adding a student without consent, and takes one with it', () => {
    const history = [...consenting, submitted({ participants: [student('张小明', true)] })];
    given(campaignDecider, history)
      .when(revise([student('张小明', true), student('李小红')]), asXinhua)
      .thenThrows(InvalidInput, onField('participants.1.guardianConsent'));
    const participants = [student('张小明', true), student('李小红', true)];
    given(campaignDecider, history)
      .when(revise(participants), asXinhua)
      .then([
        {
          type: 'EntryRevised',
          data: {
            campaignId: CAMPAIGN,
            entryId: entryId('sub-1'),
            schoolId: XINHUA.id,
            title: '我读《勋章》',
            participants,
            advisor: '李老师',
            performance: null,
          },
        },
      ]);
  });
});

describe('a campaign not requiring guardian consent', () => {
  it('takes students without it, and records a consent given anyway', () => {
    const running = [created(), opened()];
    given(campaignDecider, running)
      .when(submit([student('张小明')]), asXinhua)
      .then([submitted({ participants: [student('张小明')] })]);
    given(campaignDecider, running)
      .when(submit([student('张小明', true)]), asXinhua)
      .then([submitted({ participants: [student('张小明', true)] })]);
  });
});
