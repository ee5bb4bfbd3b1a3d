import { z } from 'zod';
import { CampaignKind, DateTime, Id, NestedId, Participant, SchoolKind, Text, Year } from '../primitives.ts';

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
});

export const CampaignOpened = z.object({ campaignId: Id });
export const CampaignClosed = z.object({ campaignId: Id });

export const EntrySubmitted = z.object({
  campaignId: Id,
  entryId: NestedId,
  submissionId: z.string().min(1),
  schoolId: Id,
  title: Text(200),
  participants: z.array(Participant),
  advisor: Text(64).nullable(),
});

export const EntryWithdrawn = z.object({
  campaignId: Id,
  entryId: NestedId,
  reason: Text(500),
});

export const campaignEvents = {
  CampaignCreated,
  CampaignOpened,
  CampaignClosed,
  EntrySubmitted,
  EntryWithdrawn,
} as const;
