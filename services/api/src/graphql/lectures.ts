import type { LectureRow } from '@qingmiao/projections';
import { builder, type InputRef } from './builder.ts';
import { Campaign } from './campaigns.ts';
import { mutate } from './context.ts';

const LectureStatus = builder.enumType('LectureStatus', { values: ['SCHEDULED', 'DELIVERED', 'CANCELLED'] as const });

const Lecture = builder.objectRef<LectureRow>('Lecture').implement({
  description: 'A lecture (讲座/宣讲) of a LECTURE campaign, at a school or a community venue (社区/村).',
  fields: (t) => ({
    id: t.exposeID('id'),
    campaignId: t.exposeID('campaignId'),
    lecturerId: t.exposeID('lecturerId'),
    schoolId: t.exposeID('schoolId', { nullable: true }),
    venue: t.exposeString('venue', { nullable: true }),
    topic: t.exposeString('topic'),
    scheduledAt: t.field({ type: 'DateTime', resolve: (lecture) => lecture.scheduledAt }),
    status: t.field({ type: LectureStatus, resolve: (lecture) => lecture.status }),
    audience: t.exposeInt('audience', { nullable: true }),
    durationMinutes: t.exposeInt('durationMinutes', { nullable: true }),
    cancelReason: t.exposeString('cancelReason', { nullable: true }),
  }),
});

builder.objectField(Campaign, 'lectures', (t) =>
  t.field({ type: [Lecture], resolve: (campaign, _args, { read }) => read.lectures(campaign.id) }),
);

const ScheduleLectureInput = builder.inputType('ScheduleLectureInput', {
  fields: (t) => ({
    lectureId: t.id({
      description:
        "The client's key: scheduling again with the same key returns the same lecture. The lecture's own `id` is what later mutations take.",
    }),
    campaignId: t.id({ required: true }),
    lecturerId: t.id({ required: true }),
    schoolId: t.id({ description: 'The hosting school; omit for a community venue.' }),
    venue: t.string({ description: 'e.g. 城厢镇东门社区; required without schoolId.' }),
    topic: t.string({ required: true }),
    scheduledAt: t.field({ type: 'DateTime', required: true }),
  }),
});

const RescheduleLectureInput = builder.inputType('RescheduleLectureInput', {
  fields: (t) => ({ lectureId: t.id({ required: true }), scheduledAt: t.field({ type: 'DateTime', required: true }) }),
});

const RecordLectureDeliveredInput = builder.inputType('RecordLectureDeliveredInput', {
  fields: (t) => ({
    lectureId: t.id({ required: true }),
    audience: t.int({ required: true }),
    durationMinutes: t.int({ required: true }),
  }),
});

const CancelLectureInput = builder.inputType('CancelLectureInput', {
  fields: (t) => ({ lectureId: t.id({ required: true }), reason: t.string({ required: true }) }),
});

const lectureMutation = (
  name: 'scheduleLecture' | 'rescheduleLecture' | 'recordLectureDelivered' | 'cancelLecture',
  input: InputRef,
) =>
  builder.mutationField(name, (t) =>
    t.field({
      type: Lecture,
      args: { input: t.arg({ type: input, required: true }) },
      resolve: (_root, args, context) =>
        mutate(
          context,
          (commands, meta) => commands[name](args.input, meta),
          ({ lectureId }, read) => read.lecture(lectureId),
        ),
    }),
  );

lectureMutation('scheduleLecture', ScheduleLectureInput);
lectureMutation('rescheduleLecture', RescheduleLectureInput);
lectureMutation('recordLectureDelivered', RecordLectureDeliveredInput);
lectureMutation('cancelLecture', CancelLectureInput);
