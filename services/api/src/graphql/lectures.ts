import type { LectureRow } from '@qingmiao/projections';
import { builder } from './builder.ts';
import { Campaign } from './campaigns.ts';
import { type CommandInputOptions, type CommandsYielding, commandMutation } from './command-mutations.ts';

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

const lectureMutation = <N extends CommandsYielding<'lectureId'>>(name: N, input: CommandInputOptions<N>) =>
  commandMutation(name, { type: Lecture, input, readBack: ({ lectureId }, read) => read.lecture(lectureId) });

lectureMutation('scheduleLecture', {
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
lectureMutation('rescheduleLecture', {
  fields: (t) => ({ lectureId: t.id({ required: true }), scheduledAt: t.field({ type: 'DateTime', required: true }) }),
});
lectureMutation('recordLectureDelivered', {
  fields: (t) => ({
    lectureId: t.id({ required: true }),
    audience: t.int({ required: true }),
    durationMinutes: t.int({ required: true }),
  }),
});
lectureMutation('cancelLecture', {
  fields: (t) => ({ lectureId: t.id({ required: true }), reason: t.string({ required: true }) }),
});
