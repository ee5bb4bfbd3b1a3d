import type {
  CancelLectureInput,
  RecordLectureDeliveredInput,
  RescheduleLectureInput,
  ScheduleLectureInput,
} from '@qingmiao/schema';
import { CampaignNotOpen, Conflict, NotFound } from '../errors.ts';
import { campaignIdOf } from './entry-id.ts';
import { takingLectures } from './kinds.ts';
import { type Campaign, type CampaignEvent, type CampaignState, existingCampaign, fingerprint } from './state.ts';

export type LectureCommand =
  | {
      readonly type: 'ScheduleLecture';
      readonly input: ScheduleLectureInput & { readonly lectureId: string };
      /** Loaded by the shell from the lecturer's and the school's streams. */
      readonly lecturer: { readonly exists: boolean; readonly retired: boolean };
      readonly schoolExists: boolean;
    }
  | { readonly type: 'RescheduleLecture'; readonly input: RescheduleLectureInput }
  | { readonly type: 'RecordLectureDelivered'; readonly input: RecordLectureDeliveredInput }
  | { readonly type: 'CancelLecture'; readonly input: CancelLectureInput };

function lectureCampaign(state: CampaignState, campaignId: string): Campaign {
  const campaign = existingCampaign(state, campaignId);
  takingLectures(campaign);
  return campaign;
}

function running(campaign: Campaign, also: readonly string[] = []): void {
  const { status, definition } = campaign;
  if (status !== 'OPEN' && !also.includes(status)) {
    throw new CampaignNotOpen(`Campaign ${definition.campaignId} is ${status}, not OPEN`);
  }
}

export function decideLecture(command: LectureCommand, state: CampaignState): CampaignEvent[] {
  if (command.type === 'ScheduleLecture') {
    const { input, lecturer, schoolExists } = command;
    const campaign = lectureCampaign(state, input.campaignId);
    const data = {
      campaignId: input.campaignId,
      lectureId: input.lectureId,
      lecturerId: input.lecturerId,
      schoolId: input.schoolId ?? null,
      venue: input.venue ?? null,
      topic: input.topic,
      scheduledAt: input.scheduledAt,
    };
    const earlier = campaign.lectures.get(input.lectureId);
    if (earlier) {
      const { campaignId: _campaign, lectureId: _lecture, ...content } = data;
      if (earlier.fingerprint === fingerprint(content)) return [];
      throw new Conflict(`Lecture ${input.lectureId} was already scheduled differently`);
    }
    running(campaign);
    if (!lecturer.exists) throw new NotFound(`Lecturer ${input.lecturerId} does not exist`);
    if (lecturer.retired) throw new Conflict(`Lecturer ${input.lecturerId} has retired`);
    if (input.schoolId !== undefined && !schoolExists) throw new NotFound(`School ${input.schoolId} does not exist`);
    return [{ type: 'LectureScheduled', data }];
  }

  const { lectureId } = command.input;
  const campaignId = campaignIdOf(lectureId);
  const campaign = lectureCampaign(state, campaignId);
  const lecture = campaign.lectures.get(lectureId);
  if (!lecture) throw new NotFound(`Lecture ${lectureId} does not exist`);
  switch (command.type) {
    case 'RescheduleLecture': {
      running(campaign);
      if (lecture.status !== 'SCHEDULED') throw new Conflict(`Lecture ${lectureId} is ${lecture.status}`);
      return [{ type: 'LectureRescheduled', data: { campaignId, lectureId, scheduledAt: command.input.scheduledAt } }];
    }
    case 'RecordLectureDelivered': {
      // A lecture given just before the campaign closed may still be recorded afterwards.
      running(campaign, ['CLOSED']);
      if (lecture.status === 'DELIVERED') throw new Conflict(`Lecture ${lectureId} was already recorded as delivered`);
      if (lecture.status === 'CANCELLED') throw new Conflict(`Lecture ${lectureId} was cancelled`);
      const { audience, durationMinutes } = command.input;
      return [{ type: 'LectureDelivered', data: { campaignId, lectureId, audience, durationMinutes } }];
    }
    case 'CancelLecture': {
      if (lecture.status === 'CANCELLED') return [];
      if (lecture.status === 'DELIVERED') throw new Conflict(`Lecture ${lectureId} was already delivered`);
      running(campaign);
      return [{ type: 'LectureCancelled', data: { campaignId, lectureId, reason: command.input.reason } }];
    }
  }
}
