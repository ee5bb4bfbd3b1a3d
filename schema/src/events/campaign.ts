import { z } from 'zod';
import {
  Attachment,
  CampaignKind,
  Criterion,
  DateTime,
  Id,
  NestedId,
  Participant,
  Performance,
  Prize,
  SchoolKind,
  Text,
  Year,
} from '../primitives.ts';

export const CampaignCreated = z.object({
  campaignId: Id,
  kind: CampaignKind,
  title: Text(200),
  theme: z.string().max(500),
  year: Year,
  opensAt: DateTime,
  closesAt: DateTime,
  eligibleSchoolKinds: z.array(SchoolKind).min(1),
  maxEntriesPerSchool: z.number().int().positive().nullable(),
  targetSessions: z.number().int().positive().nullable(),
  awardQuota: z.number().gt(0).max(1).nullable(),
  rubric: z.array(Criterion).min(1),
  copiedFrom: Id.nullable(),
  /** Judges see entries without school, advisor, participants or file names. */
  blindJudging: z.boolean(),
  /** Every STUDENT participant of an entry carries the school's attestation of a guardian's signed consent. */
  requireGuardianConsent: z.boolean(),
});

/**
 * A draft's settings replaced as a whole: a plain object of what CampaignCreated set but the kind, year and copy
 * origin. A setting added to campaigns is picked here too (and given an upcaster), so a draft can change it.
 */
export const CampaignSettingsChanged = CampaignCreated.pick({
  campaignId: true,
  title: true,
  theme: true,
  opensAt: true,
  closesAt: true,
  eligibleSchoolKinds: true,
  maxEntriesPerSchool: true,
  targetSessions: true,
  awardQuota: true,
  rubric: true,
  blindJudging: true,
  requireGuardianConsent: true,
});

/** The rubric of campaigns created before rubrics existed: one overall score out of 100. */
export const DEFAULT_RUBRIC: Criterion[] = [{ name: '总分', weight: 1, maxScore: 100 }];

export const CampaignOpened = z.object({ campaignId: Id });
export const CampaignClosed = z.object({ campaignId: Id });

/**
 * The typed text and the files of an entry. Optional, so that entries recorded before they existed read as they
 * were: without text and without files.
 */
const EntryWork = {
  body: z.string().min(1).max(20_000).optional(),
  /** Each file's address and description, never its bytes. */
  attachments: z.array(Attachment).max(10).optional(),
  /**
   * The data subjects and keys the personal fields were sealed under, as read back from the log (never written by
   * deciders): what erasure and retention destroy.
   */
  personalDataKeys: z.array(z.object({ subject: z.string(), kid: z.string() })).optional(),
};

export const EntrySubmitted = z.object({
  campaignId: Id,
  entryId: NestedId,
  submissionId: z.string().min(1),
  schoolId: Id,
  title: Text(200),
  participants: z.array(Participant),
  advisor: Text(64).nullable(),
  performance: Performance.nullable(),
  ...EntryWork,
});

export const EntryWithdrawn = z.object({
  campaignId: Id,
  entryId: NestedId,
  reason: Text(500),
});

export const DeadlineExtended = z.object({ campaignId: Id, closesAt: DateTime });
export const CampaignCancelled = z.object({ campaignId: Id, reason: Text(500) });
export const ResultsPublished = z.object({ campaignId: Id });

/** A judge is identified by the subject of their token. */
export const JudgeAssigned = z.object({ campaignId: Id, judge: z.string().min(1) });
/** The judge leaves the campaign's panel: their scores stay in the log but no longer count. */
export const JudgeUnassigned = z.object({ campaignId: Id, judge: z.string().min(1) });

export const EntryRevised = z.object({
  campaignId: Id,
  entryId: NestedId,
  /** Absent in revisions recorded before personal data was sealed (the seal needs the school). */
  schoolId: Id.optional(),
  title: Text(200),
  participants: z.array(Participant),
  advisor: Text(64).nullable(),
  performance: Performance.nullable(),
  ...EntryWork,
});

export const CriterionScore = z.object({ criterion: Text(50), score: z.number() });

export const EntryScored = z.object({
  campaignId: Id,
  entryId: NestedId,
  judge: z.string().min(1),
  scores: z.array(CriterionScore),
  /** The rubric-weighted score, computed once when judged so later rubric edits cannot change history. */
  weightedScore: z.number(),
  comment: z.string().max(2000).nullable(),
});

export const JudgeRecused = z.object({
  campaignId: Id,
  entryId: NestedId,
  judge: z.string().min(1),
  reason: Text(500),
});

export const EntryAwarded = z.object({ campaignId: Id, entryId: NestedId, prize: Prize });
export const AwardRevoked = z.object({ campaignId: Id, entryId: NestedId, reason: Text(500) });
export const EntryRated = z.object({ campaignId: Id, entryId: NestedId, stars: z.number().int().min(1).max(5) });

export const LectureScheduled = z.object({
  campaignId: Id,
  lectureId: NestedId,
  lecturerId: Id,
  schoolId: Id.nullable(),
  venue: Text(100).nullable(),
  topic: Text(200),
  scheduledAt: DateTime,
});
export const LectureRescheduled = z.object({ campaignId: Id, lectureId: NestedId, scheduledAt: DateTime });
export const LectureDelivered = z.object({
  campaignId: Id,
  lectureId: NestedId,
  audience: z.number().int().nonnegative(),
  durationMinutes: z.number().int().positive(),
});
export const LectureCancelled = z.object({ campaignId: Id, lectureId: NestedId, reason: Text(500) });

export const campaignEvents = {
  CampaignCreated,
  CampaignSettingsChanged,
  CampaignOpened,
  CampaignClosed,
  EntrySubmitted,
  EntryWithdrawn,
  DeadlineExtended,
  CampaignCancelled,
  ResultsPublished,
  JudgeAssigned,
  JudgeUnassigned,
  EntryRevised,
  EntryScored,
  JudgeRecused,
  EntryAwarded,
  AwardRevoked,
  EntryRated,
  LectureScheduled,
  LectureRescheduled,
  LectureDelivered,
  LectureCancelled,
} as const;

/**
 * v1 → v2: CampaignCreated gained a rubric and its copy origin, EntrySubmitted a performance. v2 → v3:
 * CampaignCreated gained blindJudging, on for every campaign created before it existed (the default). v3 → v4:
 * CampaignCreated gained requireGuardianConsent, off for every campaign created before it existed.
 */
export const campaignUpcasters = [
  {
    type: 'CampaignCreated',
    fromVersion: 1,
    upcast: (data: Record<string, unknown>) => ({ ...data, rubric: DEFAULT_RUBRIC, copiedFrom: null }),
  },
  {
    type: 'CampaignCreated',
    fromVersion: 2,
    upcast: (data: Record<string, unknown>) => ({ ...data, blindJudging: true }),
  },
  {
    type: 'CampaignCreated',
    fromVersion: 3,
    upcast: (data: Record<string, unknown>) => ({ ...data, requireGuardianConsent: false }),
  },
  {
    type: 'EntrySubmitted',
    fromVersion: 1,
    upcast: (data: Record<string, unknown>) => ({ ...data, performance: null }),
  },
] as const;
