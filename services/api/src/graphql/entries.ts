import type { ConsentRow, EntryRow, HistoryRow, ParticipantRow, ReadModelQueries } from '@qingmiao/projections';
import type {
  Actor,
  Attachment as AttachmentData,
  CriterionScoreInput,
  ParticipantInput,
  PerformanceInput,
} from '@qingmiao/schema';
import type { z } from 'zod';
import { previewable } from '../files/media-types.ts';
import { builder, type InputFieldBuilder, inputOf, ParticipantRoleEnum, PrizeEnum } from './builder.ts';
import { type CommandInputOptions, type CommandsYielding, commandMutation } from './command-mutations.ts';
import { historyDataFor, participantsFor, type VisibleEntry, visibleEntries } from './entry-access.ts';

const GuardianConsent = builder.objectRef<ConsentRow>('GuardianConsent').implement({
  description: "The school's attestation that it holds a guardian's signed consent form for a student.",
  fields: (t) => ({
    attestedBy: t.exposeString('attestedBy', { description: 'Who attested it: the token subject (account id).' }),
    attestedAt: t.field({
      type: 'DateTime',
      description: 'When: the time the submission or revision carrying it was recorded.',
      resolve: (consent) => consent.attestedAt,
    }),
  }),
});

export const Participant = builder.objectRef<ParticipantRow>('Participant').implement({
  fields: (t) => ({
    name: t.exposeString('name'),
    role: t.field({ type: ParticipantRoleEnum, resolve: (participant) => participant.role }),
    grade: t.exposeString('grade', { nullable: true }),
    key: t.exposeString('key', { nullable: true }),
    guardianConsent: t.field({
      type: GuardianConsent,
      nullable: true,
      description: 'Null when the submission or revision naming the participant carried no consent.',
      resolve: (participant) => participant.guardianConsent,
    }),
  }),
});

const Performance = builder
  .objectRef<{ genre: string; durationMinutes: number; videoLink: string | null }>('Performance')
  .implement({
    description: 'What a showcase (展演) entry performs.',
    fields: (t) => ({
      genre: t.exposeString('genre'),
      durationMinutes: t.exposeInt('durationMinutes'),
      videoLink: t.exposeString('videoLink', {
        nullable: true,
        description: 'Where the performance can be watched (http or https); the video may also be an mp4 attachment.',
      }),
    }),
  });

const Attachment = builder.objectRef<AttachmentData & { readonly entryId: string }>('Attachment').implement({
  description: 'A file an entry carries. Judges of a campaign judged blind see it as 作品-1.pdf, 作品-2.docx …',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'The SHA-256 of its bytes.' }),
    name: t.exposeString('name'),
    mediaType: t.exposeString('mediaType', { description: 'As its bytes say, e.g. application/pdf.' }),
    size: t.exposeInt('size', { description: 'Bytes.' }),
    url: t.string({
      description: 'A link to download the file, signed for the reader and this entry, valid for 10 minutes.',
      resolve: ({ id, entryId }, _args, { fileLinks, actor }) =>
        fileLinks.urlFor({ fileId: id, entryId, reader: actor.sub, inline: false }),
    }),
    erased: t.boolean({
      description:
        'True once the file was deleted with the entry’s personal data (eraseEntryPersonalData, or its year’s ' +
        'retention ending): its name reads 已删除 and its link answers 410.',
      resolve: ({ id, entryId }, _args, { readSide }) => readSide.read.isFileErased(entryId, id),
    }),
    previewUrl: t.string({
      nullable: true,
      description:
        'A link to show the file in the browser (PDF, images, audio, video), signed like url; null for other kinds ' +
        'and for an erased file.',
      resolve: ({ id, entryId, mediaType }, _args, { fileLinks, actor, readSide }) =>
        previewable(mediaType) && !readSide.read.isFileErased(entryId, id)
          ? fileLinks.urlFor({ fileId: id, entryId, reader: actor.sub, inline: true })
          : null,
    }),
  }),
});

const EntryStatus = builder.enumType('EntryStatus', { values: ['LIVE', 'WITHDRAWN'] as const });

/** `row` as `actor` may see it; undefined when it does not exist or is not theirs to read. */
function visibleEntry(actor: Actor, read: ReadModelQueries, row: EntryRow | undefined): VisibleEntry | undefined {
  const campaign = row && read.panel(row.campaignId);
  return campaign && visibleEntries(actor, campaign, [row])[0];
}

/** A result of judging, shown to schools and judges only once results are published. */
const result = <K extends 'prize' | 'stars' | 'meanScore' | 'scoreCount'>(entry: VisibleEntry, key: K) =>
  entry.access.results ? entry[key] : null;

export const Entry = builder.objectRef<VisibleEntry>('Entry').implement({
  description: 'What a school submitted to a campaign.',
  fields: (t) => ({
    id: t.exposeID('id'),
    submissionId: t.exposeID('submissionId', {
      nullable: true,
      description: 'Null to judges of a campaign judged blind (a school often names it after itself).',
    }),
    campaignId: t.exposeID('campaignId'),
    schoolId: t.exposeID('schoolId', { nullable: true, description: 'Null to judges of a campaign judged blind.' }),
    title: t.exposeString('title'),
    advisor: t.exposeString('advisor', { nullable: true, description: 'Null to judges of a campaign judged blind.' }),
    body: t.string({
      nullable: true,
      description: 'The typed text of the entry (an essay), up to 20,000 characters; null without one.',
      resolve: (entry, _args, { read }) => read.entryBody(entry.id),
    }),
    attachments: t.field({
      type: [Attachment],
      description: 'The files the entry carries, in its order.',
      resolve: (entry) => entry.attachments.map((attachment) => ({ ...attachment, entryId: entry.id })),
    }),
    performance: t.field({
      type: Performance,
      nullable: true,
      resolve: ({ genre, durationMinutes, videoLink }) =>
        genre !== null && durationMinutes !== null ? { genre, durationMinutes, videoLink } : null,
    }),
    intergenerational: t.exposeBoolean('intergenerational', {
      description: '老少同台: retired teachers and students in one entry.',
    }),
    status: t.field({ type: EntryStatus, resolve: (entry) => entry.status }),
    withdrawReason: t.exposeString('withdrawReason', {
      nullable: true,
      description: 'Null to judges of a campaign judged blind (a school may name itself in it).',
    }),
    prize: t.field({
      type: PrizeEnum,
      nullable: true,
      description: 'Null without a prize, and to schools and judges until results are published.',
      resolve: (entry) => result(entry, 'prize'),
    }),
    stars: t.int({
      nullable: true,
      description: 'EVALUATION result: a star rating 1–5; to schools and judges only once results are published.',
      resolve: (entry) => result(entry, 'stars'),
    }),
    meanScore: t.float({
      nullable: true,
      description:
        "Mean of the judges' rubric-weighted scores (0–100); null before any score, and to schools and judges " +
        'until results are published.',
      resolve: (entry) => result(entry, 'meanScore'),
    }),
    scoreCount: t.int({
      nullable: true,
      description: 'Scores counted in meanScore; null to schools and judges until results are published.',
      resolve: (entry) => result(entry, 'scoreCount'),
    }),
    submittedAt: t.field({ type: 'DateTime', resolve: (entry) => entry.submittedAt }),
    updatedAt: t.field({ type: 'DateTime', resolve: (entry) => entry.updatedAt }),
    participants: t.field({
      type: [Participant],
      nullable: true,
      description:
        "Names of children and teachers: visible to organizers and to the entry's own school only (FORBIDDEN to " +
        'judges, blind or not).',
      authScopes: (entry) => entry.access.participants,
      resolve: (entry, _args, { actor, participantReads }) =>
        participantsFor(actor, entry, entry.participants, participantReads),
    }),
  }),
});

/** A history event with the entry it is of, whose school decides what of its data the reader sees. */
type EntryEventRow = HistoryRow & { readonly entry: VisibleEntry };

const EntryEvent = builder.objectRef<EntryEventRow>('EntryEvent').implement({
  description: 'One change to an entry: what happened, when and by whom.',
  fields: (t) => ({
    type: t.exposeString('type'),
    recordedAt: t.field({ type: 'DateTime', resolve: (row) => row.recordedAt }),
    actor: t.exposeString('actor'),
    role: t.exposeString('role'),
    data: t.string({
      description: "The event data as JSON; participants' keys only for the entry's own school.",
      resolve: (row, _args, { actor, participantReads }) => historyDataFor(actor, row.entry, row, participantReads),
    }),
    attachmentsAdded: t.exposeStringList('attachmentsAdded', {
      description: 'Names of the files this change attached (a submission: all its files).',
    }),
    attachmentsRemoved: t.exposeStringList('attachmentsRemoved', {
      description: 'Names of the files this change took off the entry.',
    }),
  }),
});

builder.queryFields((t) => ({
  entry: t.field({
    type: Entry,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    description: 'Null when the entry does not exist or is not the reader’s to read.',
    authScopes: { organizer: true, judge: true, school: true },
    resolve: (_root, { id }, { read, actor }) => visibleEntry(actor, read, read.entry(String(id))),
  }),
  entryHistory: t.field({
    type: [EntryEvent],
    description:
      'The events of an entry the reader may see: organizers all; a school its own entry without judging (awards ' +
      'and ratings once results are published); a judge of the campaign only their own scores and recusals.',
    args: { entryId: t.arg.id({ required: true }) },
    authScopes: { organizer: true, school: true, judge: true },
    resolve: async (_root, { entryId }, { read, readSide, actor }) => {
      const entry = visibleEntry(actor, read, read.entry(String(entryId)));
      if (!entry) return [];
      const history = await readSide.entryHistory(entry.id);
      return history.flatMap((row) => (entry.access.sees(row) ? [{ ...row, entry }] : []));
    },
  }),
}));

const ParticipantInputType = inputOf<z.input<typeof ParticipantInput>>('ParticipantInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    role: t.field({ type: ParticipantRoleEnum, required: true }),
    grade: t.string(),
    key: t.string({ description: "The school's own id for the person, so one child in two entries counts once." }),
    guardianConsent: t.boolean({
      description:
        "The school attests it holds the guardian's signed consent form; required (true) for every STUDENT when the campaign has requireGuardianConsent.",
    }),
  }),
});

const PerformanceInputType = inputOf<z.input<typeof PerformanceInput>>('PerformanceInput', {
  fields: (t) => ({
    genre: t.string({ required: true, description: 'e.g. 合唱, 朗诵, 舞蹈' }),
    durationMinutes: t.int({ required: true }),
    videoLink: t.string({
      description: 'Where the performance can be watched: an http or https address of at most 500 characters.',
    }),
  }),
});

/** The text and files an entry carries, as submitting and revising take them. */
const work = (t: InputFieldBuilder, revising: boolean) => ({
  body: t.string({
    description:
      'The typed text (an essay): at most 20,000 characters, line breaks allowed, no invisible characters.' +
      (revising ? ' An empty text removes it.' : ''),
  }),
  attachmentIds: t.idList({
    description:
      'Ids of files uploaded (uploadFile) by the school or, for an organizer, by the office: at most 10, each once.' +
      (revising ? ' Replaces the list; an empty list removes every file.' : ''),
  }),
});

const CriterionScoreInputType = inputOf<z.input<typeof CriterionScoreInput>>('CriterionScoreInput', {
  fields: (t) => ({ criterion: t.string({ required: true }), score: t.float({ required: true }) }),
});

const entryMutation = <N extends CommandsYielding<'entryId'>>(
  name: N,
  input: CommandInputOptions<N>,
  description: string,
) =>
  commandMutation(name, {
    type: Entry,
    input,
    description,
    readBack: ({ entryId }, read, { actor }) => visibleEntry(actor, read, read.entry(entryId)),
  });

const withReason = {
  fields: (t: InputFieldBuilder) => ({ entryId: t.id({ required: true }), reason: t.string({ required: true }) }),
};

entryMutation(
  'submitEntry',
  {
    fields: (t) => ({
      submissionId: t.id({
        required: true,
        description: 'Chosen by the client; resubmitting with the same id returns the same entry.',
      }),
      campaignId: t.id({ required: true }),
      schoolId: t.id({ required: true }),
      title: t.string({ required: true }),
      participants: t.field({
        type: [ParticipantInputType],
        description: 'At least one, except in an EVALUATION campaign, where the school applies and may name nobody.',
      }),
      advisor: t.string(),
      performance: t.field({ type: PerformanceInputType, description: 'Required for PERFORMANCE campaigns.' }),
      ...work(t, false),
    }),
  },
  'A school (or an organizer for it) submits an entry; idempotent by submissionId.',
);
entryMutation(
  'reviseEntry',
  {
    description: 'Only the fields given change.',
    fields: (t) => ({
      entryId: t.id({ required: true }),
      title: t.string(),
      participants: t.field({ type: [ParticipantInputType] }),
      advisor: t.string(),
      performance: t.field({ type: PerformanceInputType }),
      ...work(t, true),
    }),
  },
  'Change an entry while the campaign is open.',
);
entryMutation('withdrawEntry', withReason, 'Withdraw an entry with a reason; frees its slot.');
entryMutation(
  'scoreEntry',
  {
    fields: (t) => ({
      entryId: t.id({ required: true }),
      score: t.float({ description: 'The score, when the rubric has a single criterion.' }),
      criteria: t.field({ type: [CriterionScoreInputType], description: 'One score per rubric criterion.' }),
      comment: t.string(),
    }),
  },
  'An assigned judge scores an entry on the rubric; scoring again replaces it.',
);
entryMutation('recuseFromEntry', withReason, 'A judge steps aside from an entry (e.g. conflict of interest).');
entryMutation(
  'awardEntry',
  { fields: (t) => ({ entryId: t.id({ required: true }), prize: t.field({ type: PrizeEnum, required: true }) }) },
  'Grant a prize after the campaign closed, within the award quota.',
);
entryMutation('revokeAward', withReason, 'Take back a prize before results are published.');
entryMutation(
  'rateEntry',
  { fields: (t) => ({ entryId: t.id({ required: true }), stars: t.int({ required: true }) }) },
  'EVALUATION campaigns: rate an application 1–5 stars after closing.',
);
