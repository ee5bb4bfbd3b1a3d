import type { EntryRow, HistoryRow, ParticipantRow } from '@qingmiao/projections';
import { builder, ParticipantRoleEnum } from './builder.ts';
import { commandMeta } from './context.ts';
import { mustExist } from './read.ts';

const Participant = builder.objectRef<ParticipantRow>('Participant').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.field({ type: ParticipantRoleEnum, resolve: (participant) => participant.role }),
    grade: t.exposeString('grade', { nullable: true }),
    key: t.exposeString('key', { nullable: true }),
  }),
});

const EntryStatus = builder.enumType('EntryStatus', { values: ['LIVE', 'WITHDRAWN'] as const });

export const Entry = builder.objectRef<EntryRow>('Entry').implement({
  description: 'What a school submitted to a campaign.',
  fields: (t) => ({
    id: t.exposeID('id'),
    submissionId: t.exposeID('submissionId'),
    campaignId: t.exposeID('campaignId'),
    schoolId: t.exposeID('schoolId'),
    title: t.exposeString('title'),
    advisor: t.exposeString('advisor', { nullable: true }),
    status: t.field({ type: EntryStatus, resolve: (entry) => entry.status }),
    withdrawReason: t.exposeString('withdrawReason', { nullable: true }),
    submittedAt: t.field({ type: 'DateTime', resolve: (entry) => entry.submittedAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (entry) => entry.updatedAt }),
    participants: t.field({
      type: [Participant],
      nullable: true,
      description: "Names of children and teachers: visible to organizers and to the entry's own school only.",
      authScopes: (entry) => ({ organizer: true, ownSchool: entry.schoolId }),
      resolve: (entry) => entry.participants,
    }),
  }),
});

const EntryEvent = builder.objectRef<HistoryRow>('EntryEvent').implement({
  description: 'One change to an entry: what happened, when and by whom.',
  fields: (t) => ({
    type: t.exposeString('type'),
    recordedAt: t.field({ type: 'DateTime', resolve: (row) => row.recordedAt }),
    actor: t.exposeString('actor'),
    role: t.exposeString('role'),
    data: t.exposeString('data', { description: 'The event data as JSON.' }),
  }),
});

builder.queryFields((t) => ({
  entry: t.field({
    type: Entry,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    authScopes: { organizer: true, judge: true, school: true },
    resolve: (_root, { id }, { read, actor }) => {
      const entry = read.entry(String(id));
      return actor.role === 'school' && entry?.schoolId !== actor.schoolId ? undefined : entry;
    },
  }),
  entryHistory: t.field({
    type: [EntryEvent],
    args: { entryId: t.arg.id({ required: true }) },
    authScopes: { organizer: true, school: true },
    resolve: (_root, { entryId }, { read, actor }) => {
      const entry = read.entry(String(entryId));
      if (!entry || (actor.role === 'school' && entry.schoolId !== actor.schoolId)) return [];
      return read.entryHistory(entry.id);
    },
  }),
}));

const ParticipantInput = builder.inputType('ParticipantInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    role: t.field({ type: ParticipantRoleEnum, required: true }),
    grade: t.string(),
    key: t.string({ description: "The school's own id for the person, so one child in two entries counts once." }),
  }),
});

const SubmitEntryInput = builder.inputType('SubmitEntryInput', {
  fields: (t) => ({
    submissionId: t.id({
      required: true,
      description: 'Chosen by the client; resubmitting with the same id returns the same entry.',
    }),
    campaignId: t.id({ required: true }),
    schoolId: t.id({ required: true }),
    title: t.string({ required: true }),
    participants: t.field({ type: [ParticipantInput], required: true }),
    advisor: t.string(),
  }),
});

const WithdrawEntryInput = builder.inputType('WithdrawEntryInput', {
  fields: (t) => ({
    entryId: t.id({ required: true }),
    reason: t.string({ required: true }),
  }),
});

builder.mutationFields((t) => ({
  submitEntry: t.field({
    type: Entry,
    args: { input: t.arg({ type: SubmitEntryInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { entryId, position } = await context.commands.submitEntry(input, commandMeta(context));
      await context.projections.waitFor(position);
      return mustExist(context.read.entry(entryId), `Entry ${entryId}`);
    },
  }),
  withdrawEntry: t.field({
    type: Entry,
    args: { input: t.arg({ type: WithdrawEntryInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      const { entryId, position } = await context.commands.withdrawEntry(input, commandMeta(context));
      await context.projections.waitFor(position);
      return mustExist(context.read.entry(entryId), `Entry ${entryId}`);
    },
  }),
}));
