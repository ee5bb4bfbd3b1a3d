import { describe, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { lectureIdFor } from '../src/campaigns/entry-id.ts';
import { CampaignNotOpen, Conflict, InvalidInput, NotFound } from '../src/errors.ts';
import { CAMPAIGN, cancelled, closed, created, opened, published, XINHUA } from './campaign-fixtures.ts';
import { given, onField } from './given-when-then.ts';

/** The 老园丁讲师团 lecture year: retired teachers give talks at schools and in villages. */
const LECTURES = 'elder-gardeners-2022';
const LECTURER = 'wang-guilan';

type ScheduleInput = Extract<CampaignCommand, { type: 'ScheduleLecture' }>['input'];

const lectureId = (key = 'lecture-1') => lectureIdFor(LECTURES, key);

const createdLectures = created({ campaignId: LECTURES, kind: 'LECTURE', title: '老园丁宣讲', targetSessions: 1000 });
const statuses = {
  DRAFT: [createdLectures],
  OPEN: [createdLectures, opened(LECTURES)],
  CLOSED: [createdLectures, opened(LECTURES), closed(LECTURES)],
  RESULTS_PUBLISHED: [createdLectures, opened(LECTURES), closed(LECTURES), published(LECTURES)],
  CANCELLED: [createdLectures, opened(LECTURES), cancelled(LECTURES)],
} as const satisfies Record<string, readonly CampaignEvent[]>;

const scheduleInput = (overrides: Partial<ScheduleInput> = {}): ScheduleInput => ({
  lectureId: lectureId(),
  campaignId: LECTURES,
  lecturerId: LECTURER,
  schoolId: XINHUA.id,
  venue: undefined,
  topic: '红色家风代代传',
  scheduledAt: '2022-06-10T14:30:00+08:00',
  ...overrides,
});

const schedule = (
  overrides: Partial<ScheduleInput> = {},
  /** The lecturer and school as the shell loaded them. */
  { lecturer = { exists: true, retired: false }, schoolExists = true } = {},
): CampaignCommand => ({ type: 'ScheduleLecture', input: scheduleInput(overrides), lecturer, schoolExists });

/** The event a successful scheduling of `scheduleInput(overrides)` appends. */
const scheduled = (overrides: Partial<ScheduleInput> = {}): CampaignEvent => {
  const input = scheduleInput(overrides);
  return {
    type: 'LectureScheduled',
    data: {
      campaignId: input.campaignId,
      lectureId: input.lectureId,
      lecturerId: input.lecturerId,
      schoolId: input.schoolId ?? null,
      venue: input.venue ?? null,
      topic: input.topic,
      scheduledAt: input.scheduledAt,
    },
  };
};

const reschedule = (scheduledAt: string, key?: string): CampaignCommand => ({
  type: 'RescheduleLecture',
  input: { lectureId: lectureId(key), scheduledAt },
});
const rescheduled = (scheduledAt: string, key?: string): CampaignEvent => ({
  type: 'LectureRescheduled',
  data: { campaignId: LECTURES, lectureId: lectureId(key), scheduledAt },
});
const deliver = (audience = 320, durationMinutes = 45, key?: string): CampaignCommand => ({
  type: 'RecordLectureDelivered',
  input: { lectureId: lectureId(key), audience, durationMinutes },
});
const delivered = (audience = 320, durationMinutes = 45, key?: string): CampaignEvent => ({
  type: 'LectureDelivered',
  data: { campaignId: LECTURES, lectureId: lectureId(key), audience, durationMinutes },
});
const cancelLecture = (reason = '讲师身体不适', key?: string): CampaignCommand => ({
  type: 'CancelLecture',
  input: { lectureId: lectureId(key), reason },
});
const lectureCancelled = (reason = '讲师身体不适', key?: string): CampaignEvent => ({
  type: 'LectureCancelled',
  data: { campaignId: LECTURES, lectureId: lectureId(key), reason },
});

const withLecture = [...statuses.OPEN, scheduled()];

describe('ScheduleLecture', () => {
  it('schedules a lecture at a school while the LECTURE campaign is OPEN', () => {
    given(campaignDecider, statuses.OPEN).when(schedule()).then([scheduled()]);
  });

  it('schedules a lecture at a venue outside any school (社区, 村)', () => {
    const atVillage = { schoolId: undefined, venue: '城关镇东门社区' };
    given(campaignDecider, statuses.OPEN)
      .when(schedule(atVillage, { schoolExists: false }))
      .then([scheduled(atVillage)]);
  });

  it.each(['ESSAY', 'PERFORMANCE', 'EVALUATION'] as const)('refuses a %s campaign, naming campaignId', (kind) => {
    given(campaignDecider, [created({ kind }), opened()])
      .when(schedule({ campaignId: CAMPAIGN, lectureId: lectureIdFor(CAMPAIGN, 'lecture-1') }))
      .thenThrows(InvalidInput, onField('campaignId'));
  });

  it('refuses a campaign that does not exist', () => {
    given(campaignDecider).when(schedule()).thenThrows(NotFound, LECTURES);
  });

  it.each(['DRAFT', 'CLOSED', 'RESULTS_PUBLISHED', 'CANCELLED'] as const)(
    'refuses a lecture while the campaign is %s',
    (status) => {
      given(campaignDecider, statuses[status]).when(schedule()).thenThrows(CampaignNotOpen, status);
    },
  );

  it('refuses a lecturer who is not registered', () => {
    given(campaignDecider, statuses.OPEN)
      .when(schedule({}, { lecturer: { exists: false, retired: false } }))
      .thenThrows(NotFound, LECTURER);
  });

  it('refuses a lecturer who has retired from the corps', () => {
    given(campaignDecider, statuses.OPEN)
      .when(schedule({}, { lecturer: { exists: true, retired: true } }))
      .thenThrows(Conflict, LECTURER);
  });

  it('refuses a school that is not registered', () => {
    given(campaignDecider, statuses.OPEN)
      .when(schedule({}, { schoolExists: false }))
      .thenThrows(NotFound, XINHUA.id);
  });

  describe('the same lecture key again', () => {
    it('appends nothing for the same content', () => {
      given(campaignDecider, withLecture).when(schedule()).then([]);
    });

    it('appends nothing for a retry whatever happened since: rescheduled, closed, lecturer retired', () => {
      given(campaignDecider, [...withLecture, rescheduled('2022-06-17T14:30:00+08:00')])
        .when(schedule())
        .then([]);
      given(campaignDecider, [...withLecture, closed(LECTURES)])
        .when(schedule())
        .then([]);
      given(campaignDecider, withLecture)
        .when(schedule({}, { lecturer: { exists: true, retired: true } }))
        .then([]);
    });

    it.each([
      ['topic', { topic: '劳动最光荣' }],
      ['date', { scheduledAt: '2022-06-11T14:30:00+08:00' }],
      ['lecturer', { lecturerId: 'li-jianguo' }],
      ['place', { schoolId: undefined, venue: '城关镇东门社区' }],
    ])('refuses another %s as a conflict', (_, change) => {
      given(campaignDecider, withLecture).when(schedule(change)).thenThrows(Conflict, lectureId());
    });

    it('schedules the same content under another key as another lecture', () => {
      given(campaignDecider, withLecture)
        .when(schedule({ lectureId: lectureId('lecture-2') }))
        .then([scheduled({ lectureId: lectureId('lecture-2') })]);
    });
  });
});

describe('RescheduleLecture', () => {
  it('moves a SCHEDULED lecture while the campaign is OPEN, as often as needed', () => {
    given(campaignDecider, withLecture)
      .when(reschedule('2022-06-17T14:30:00+08:00'))
      .then([rescheduled('2022-06-17T14:30:00+08:00')]);
    given(campaignDecider, [...withLecture, rescheduled('2022-06-17T14:30:00+08:00')])
      .when(reschedule('2022-06-24T14:30:00+08:00'))
      .then([rescheduled('2022-06-24T14:30:00+08:00')]);
  });

  it('refuses a lecture already delivered', () => {
    given(campaignDecider, [...withLecture, delivered()])
      .when(reschedule('2022-06-17T14:30:00+08:00'))
      .thenThrows(Conflict, 'DELIVERED');
  });

  it('refuses a cancelled lecture', () => {
    given(campaignDecider, [...withLecture, lectureCancelled()])
      .when(reschedule('2022-06-17T14:30:00+08:00'))
      .thenThrows(Conflict, 'CANCELLED');
  });

  it('refuses once the campaign is no longer OPEN', () => {
    given(campaignDecider, [...withLecture, closed(LECTURES)])
      .when(reschedule('2022-07-17T14:30:00+08:00'))
      .thenThrows(CampaignNotOpen, 'CLOSED');
  });

  it('refuses a lecture that does not exist', () => {
    given(campaignDecider, withLecture)
      .when(reschedule('2022-06-17T14:30:00+08:00', 'never-scheduled'))
      .thenThrows(NotFound, lectureId('never-scheduled'));
  });
});

describe('RecordLectureDelivered', () => {
  it('records audience and duration of a scheduled lecture', () => {
    given(campaignDecider, withLecture)
      .when(deliver(320, 45))
      .then([delivered(320, 45)]);
  });

  it('records a rescheduled lecture', () => {
    given(campaignDecider, [...withLecture, rescheduled('2022-06-17T14:30:00+08:00')])
      .when(deliver())
      .then([delivered()]);
  });

  it('records a lecture given before the campaign closed after it closed', () => {
    given(campaignDecider, [...withLecture, closed(LECTURES)])
      .when(deliver())
      .then([delivered()]);
  });

  it('refuses to record a lecture twice, while OPEN or CLOSED', () => {
    given(campaignDecider, [...withLecture, delivered()])
      .when(deliver())
      .thenThrows(Conflict, 'delivered');
    given(campaignDecider, [...withLecture, delivered(), closed(LECTURES)])
      .when(deliver(400, 60))
      .thenThrows(Conflict, 'delivered');
  });

  it('refuses a cancelled lecture', () => {
    given(campaignDecider, [...withLecture, lectureCancelled()])
      .when(deliver())
      .thenThrows(Conflict, 'cancelled');
  });

  it('refuses while the campaign is DRAFT', () => {
    // Not reachable through commands (scheduling needs OPEN); the rule holds for any history.
    given(campaignDecider, [...statuses.DRAFT, scheduled()])
      .when(deliver())
      .thenThrows(CampaignNotOpen, 'DRAFT');
  });

  it.each([
    ['RESULTS_PUBLISHED', [closed(LECTURES), published(LECTURES)]],
    ['CANCELLED', [cancelled(LECTURES)]],
  ])('refuses once the campaign is %s', (status, since) => {
    given(campaignDecider, [...withLecture, ...since])
      .when(deliver())
      .thenThrows(CampaignNotOpen, status);
  });

  it('refuses a lecture that does not exist, or a lecture id of a campaign that is not LECTURE', () => {
    given(campaignDecider, withLecture)
      .when(deliver(320, 45, 'never-scheduled'))
      .thenThrows(NotFound, lectureId('never-scheduled'));
    given(campaignDecider, [created(), opened()])
      .when({
        type: 'RecordLectureDelivered',
        input: { lectureId: lectureIdFor(CAMPAIGN, 'x'), audience: 1, durationMinutes: 1 },
      })
      .thenThrows(InvalidInput, onField('campaignId'));
  });
});

describe('CancelLecture', () => {
  it('cancels a scheduled lecture, keeping the reason', () => {
    given(campaignDecider, withLecture)
      .when(cancelLecture('暴雨'))
      .then([lectureCancelled('暴雨')]);
  });

  it('appends nothing for a lecture already cancelled, even after the campaign closed', () => {
    given(campaignDecider, [...withLecture, lectureCancelled()])
      .when(cancelLecture('另一个理由'))
      .then([]);
    given(campaignDecider, [...withLecture, lectureCancelled(), closed(LECTURES)])
      .when(cancelLecture())
      .then([]);
  });

  it('refuses a lecture already delivered', () => {
    given(campaignDecider, [...withLecture, delivered()])
      .when(cancelLecture())
      .thenThrows(Conflict, 'delivered');
  });

  it('refuses once the campaign is no longer OPEN', () => {
    given(campaignDecider, [...withLecture, closed(LECTURES)])
      .when(cancelLecture())
      .thenThrows(CampaignNotOpen, 'CLOSED');
  });

  it('cancels one lecture and leaves the others scheduled', () => {
    const two = [...withLecture, scheduled({ lectureId: lectureId('lecture-2') })];
    given(campaignDecider, [...two, lectureCancelled()])
      .when(deliver(200, 40, 'lecture-2'))
      .then([delivered(200, 40, 'lecture-2')]);
  });

  it('refuses a lecture that does not exist', () => {
    given(campaignDecider, withLecture)
      .when(cancelLecture('暴雨', 'never-scheduled'))
      .thenThrows(NotFound, lectureId('never-scheduled'));
  });
});
