import { z } from 'zod';

/** Ids chosen by organizers (school codes, campaign slugs) or generated: short, URL- and CSV-safe. */
export const Id = z
  .string()
  .trim()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,62}$/,
    'must be 1–63 lowercase letters, digits or dashes, starting with a letter or digit',
  );
export type Id = z.infer<typeof Id>;

/** Ids of things that live inside a campaign stream: `{campaignId}:{uuid}`, so a command can find its stream. */
export const NestedId = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}:[0-9a-f-]{36}$/, 'is not a valid id');

export const DateTime = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' });

/**
 * Text as events store it. What callers send is checked by SingleLineText or MultiLineText instead: events written
 * before those checks existed must stay readable.
 */
export const Text = (max: number) =>
  z.string().trim().min(1, 'must not be blank').max(max, `must be at most ${max} characters`);

/**
 * Characters that make a text show something other than what it holds: controls, format characters (zero-width
 * spaces and joiners, bidi overrides and isolates, soft hyphens), unpaired surrogates, line and paragraph separators.
 * Refusing the zero-width joiner refuses emoji sequences such as 👨‍👩‍👧 too; plain emoji and every Chinese name pass.
 */
const ONE_LINE = /^[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]*$/u;
/** The same, except for `\n` between lines. */
const LINES = /^(?:\n|[^\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}])*$/u;

const INVISIBLE = 'control or format characters (such as zero-width spaces or direction overrides)';

/** NFC-normalised and trimmed, so that one name is one string and blank means blank. */
const typed = (max: number) => z.string().normalize('NFC').trim().max(max, `must be at most ${max} characters`);

/** A human-visible name or title as a caller sends it: one line, not blank, nothing invisible. */
export const SingleLineText = (max: number) =>
  typed(max).min(1, 'must not be blank').regex(ONE_LINE, `must be one line without ${INVISIBLE}`);

/**
 * A key the client chooses so that a retry is recognised (`submissionId`, `lectureId`): kept as sent, bar surrounding
 * spaces, since the id derived from it must come out the same on every retry; one line, nothing invisible (an unpaired
 * surrogate has no UTF-8 bytes to derive an id from).
 */
export const ClientKey = z
  .string()
  .trim()
  .min(1, 'must not be blank')
  .max(100, 'must be at most 100 characters')
  .regex(ONE_LINE, `must be one line without ${INVISIBLE}`);

/**
 * A comment or theme as a caller sends it: may be empty and span lines (Windows line ends become `\n`), nothing
 * invisible.
 */
export const MultiLineText = (max: number) =>
  typed(max)
    .overwrite((text) => text.replaceAll('\r\n', '\n'))
    .regex(LINES, `must not contain ${INVISIBLE} other than line breaks`);

/** Why something is cancelled, withdrawn, revoked or recused from: required, may span lines. */
export const Reason = MultiLineText(500).min(1, 'must not be blank');

export const Year = z
  .number()
  .int('must be a whole year')
  .min(2000, 'must be 2000 or later')
  .max(2100, 'must be 2100 or earlier');

export const SchoolKind = z.enum([
  'KINDERGARTEN',
  'PRIMARY',
  'JUNIOR_HIGH',
  'SENIOR_HIGH',
  'NINE_YEAR',
  'VOCATIONAL',
  'SPECIAL',
  'MIGRANT',
]);
export type SchoolKind = z.infer<typeof SchoolKind>;

export const CampaignKind = z.enum(['ESSAY', 'PERFORMANCE', 'LECTURE', 'EVALUATION']);
export type CampaignKind = z.infer<typeof CampaignKind>;

export const CampaignStatus = z.enum(['DRAFT', 'OPEN', 'CLOSED', 'RESULTS_PUBLISHED', 'CANCELLED']);
export type CampaignStatus = z.infer<typeof CampaignStatus>;

export const Prize = z.enum(['FIRST', 'SECOND', 'THIRD', 'EXCELLENCE']);
export type Prize = z.infer<typeof Prize>;

export const ParticipantRole = z.enum(['STUDENT', 'TEACHER', 'RETIRED_TEACHER', 'PARENT']);
export type ParticipantRole = z.infer<typeof ParticipantRole>;

export const ParticipationGrouping = z.enum(['SCHOOL', 'TOWN', 'SCHOOL_KIND', 'CAMPAIGN', 'MONTH']);
export type ParticipationGrouping = z.infer<typeof ParticipationGrouping>;

export const Role = z.enum(['organizer', 'school', 'judge', 'viewer']);
export type Role = z.infer<typeof Role>;

/** What an erased personal datum reads as, in events read back from the log and in every read model. */
export const ERASED = '已删除';

export const Participant = z.object({
  name: Text(64),
  role: ParticipantRole,
  grade: Text(32).optional(),
  /** The school's own key for a person (e.g. student number), so one child in two entries counts once. */
  key: Text(64).optional(),
  /**
   * The school attests it holds the guardian's signed consent form (a child's data is sensitive under PIPL); who
   * attested it and when are the metadata of the event that carries it.
   */
  guardianConsent: z.boolean().optional(),
  /**
   * Pseudonymous and stable (a keyed HMAC of the school and the key, or of name and grade): who the participant is
   * for counting, also after erasure. Set when events are read, never by callers.
   */
  participantId: z.string().optional(),
  /** The participant's personal data was erased: the name reads 已删除, grade and key are gone. */
  erased: z.literal(true).optional(),
});
export type Participant = z.infer<typeof Participant>;

/** What a showcase (展演) entry performs: genre such as 合唱 or 朗诵, and its length on stage. */
export const Performance = z.object({
  genre: Text(50),
  durationMinutes: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(180, 'must be at most 180'),
  /** Where the performance can be watched (http or https), instead of or beside an mp4 attachment. */
  videoLink: z.string().max(500).optional(),
});
export type Performance = z.infer<typeof Performance>;

/** One weighted criterion of a campaign's judging rubric. */
export const Criterion = z.object({
  name: Text(50),
  weight: z.number().gt(0, 'must be more than 0').max(100, 'must be at most 100'),
  maxScore: z.number().gt(0, 'must be more than 0').max(1000, 'must be at most 1000'),
});
export type Criterion = z.infer<typeof Criterion>;

/** PENDING until activated with its one-time code (again after a reset); DISABLED whatever else. */
export const AccountStatus = z.enum(['PENDING', 'ACTIVE', 'DISABLED']);
export type AccountStatus = z.infer<typeof AccountStatus>;

/** The kinds of file an entry may carry, as their bytes say (never the name or the declared type). */
export const AttachmentMediaType = z.enum([
  'application/pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'image/jpeg',
  'image/png',
  'video/mp4',
  'audio/mpeg',
]);
export type AttachmentMediaType = z.infer<typeof AttachmentMediaType>;

/** A file's content address: the SHA-256 of its bytes, lowercase hex. */
export const FileId = z.string().regex(/^[0-9a-f]{64}$/, 'is not a file id');

/** What events and read models keep of an uploaded file: its address and description, never its bytes. */
export const Attachment = z.object({
  id: FileId,
  name: Text(200),
  mediaType: AttachmentMediaType,
  size: z.number().int().nonnegative(),
});
export type Attachment = z.infer<typeof Attachment>;
