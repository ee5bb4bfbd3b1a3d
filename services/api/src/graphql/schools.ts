import type { EnrollmentRow, SchoolRow } from '@qingmiao/projections';
import { builder, SchoolKindEnum } from './builder.ts';
import { commandMutation } from './command-mutations.ts';

const School = builder.objectRef<SchoolRow>('School').implement({
  description: 'A school taking part in the bureau campaigns.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    kind: t.field({ type: SchoolKindEnum, resolve: (school) => school.kind }),
    town: t.exposeString('town'),
    private: t.exposeBoolean('private'),
    enrollments: t.field({
      type: [Enrollment],
      resolve: (school, _args, { read }) => read.enrollments(school.id),
    }),
  }),
});

const Enrollment = builder.objectRef<EnrollmentRow>('Enrollment').implement({
  description: 'Students enrolled at a school in a year: the denominator of the participation rate.',
  fields: (t) => ({
    schoolId: t.exposeID('schoolId'),
    year: t.exposeInt('year'),
    students: t.exposeInt('students'),
  }),
});

builder.queryFields((t) => ({
  schools: t.field({ type: [School], resolve: (_root, _args, { read }) => read.schools() }),
  school: t.field({
    type: School,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_root, { id }, { read }) => read.school(String(id)),
  }),
}));

commandMutation('registerSchool', {
  type: School,
  input: {
    fields: (t) => ({
      id: t.id({ description: 'The bureau school code; generated when omitted.' }),
      name: t.string({ required: true }),
      kind: t.field({ type: SchoolKindEnum, required: true }),
      town: t.string({ required: true }),
      private: t.boolean({ description: '民办: privately run. Default false.' }),
    }),
  },
  readBack: ({ schoolId }, read) => read.school(schoolId),
});

commandMutation('renameSchool', {
  type: School,
  description: "The bureau's new name for a school; its code, kind and town stay.",
  input: {
    fields: (t) => ({
      schoolId: t.id({ required: true }),
      name: t.string({ required: true }),
    }),
  },
  readBack: ({ schoolId }, read) => read.school(schoolId),
});

commandMutation('recordEnrollment', {
  type: Enrollment,
  input: {
    fields: (t) => ({
      schoolId: t.id({ required: true }),
      year: t.int({ required: true }),
      students: t.int({ required: true }),
    }),
  },
  readBack: ({ schoolId, year }, read) => read.enrollment(schoolId, year),
});
