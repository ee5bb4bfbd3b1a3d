import type { LecturerRow } from '@qingmiao/projections';
import { builder } from './builder.ts';
import { type CommandInputOptions, type CommandsYielding, commandMutation } from './command-mutations.ts';

const Lecturer = builder.objectRef<LecturerRow>('Lecturer').implement({
  description: 'A member of the 老园丁讲师团 (retired-teacher lecturer corps).',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    formerSchoolId: t.exposeID('formerSchoolId', { nullable: true }),
    topics: t.exposeStringList('topics'),
    retired: t.exposeBoolean('retired'),
    lecturesScheduled: t.exposeInt('lecturesScheduled', { description: 'Scheduled and not yet delivered.' }),
    lecturesDelivered: t.exposeInt('lecturesDelivered'),
    audience: t.exposeInt('audience', { description: 'People reached by delivered lectures.' }),
  }),
});

builder.queryFields((t) => ({
  lecturers: t.field({ type: [Lecturer], resolve: (_root, _args, { read }) => read.lecturers() }),
  lecturer: t.field({
    type: Lecturer,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { read }) => read.lecturer(String(id)),
  }),
}));

const lecturerMutation = <N extends CommandsYielding<'lecturerId'>>(name: N, input: CommandInputOptions<N>) =>
  commandMutation(name, { type: Lecturer, input, readBack: ({ lecturerId }, read) => read.lecturer(lecturerId) });

lecturerMutation('registerLecturer', {
  fields: (t) => ({
    id: t.id({ description: 'Generated when omitted.' }),
    name: t.string({ required: true }),
    formerSchoolId: t.id({ description: 'The school the lecturer retired from.' }),
    topics: t.stringList({ description: 'e.g. 党史, 家风家训' }),
  }),
});
lecturerMutation('retireLecturer', {
  fields: (t) => ({ lecturerId: t.id({ required: true }), reason: t.string() }),
});
