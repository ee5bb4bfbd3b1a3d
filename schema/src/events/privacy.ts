import { z } from 'zod';
import { Id, NestedId, Reason, Year } from '../primitives.ts';

/**
 * Erasure and expiry of children's personal data. The data itself is sealed in the entry events under keys kept
 * outside the log; these events record that the keys were destroyed, so that read models drop what they hold in
 * clear and a restored key store is shredded again. They carry no personal data: a participant is named by its
 * pseudonymous id, an entry by its id, and the reason should say why (a guardian's request, a case number), never who.
 */

/** Every personal datum of one keyed participant of a school (school + key), in every entry and year. School stream. */
export const ParticipantErased = z.object({
  schoolId: Id,
  participantId: z.string().min(1),
  reason: Reason,
});

/** Every personal datum of one entry: its participants, advisor, text and file names. Campaign stream. */
export const EntryPersonalDataErased = z.object({
  campaignId: Id,
  entryId: NestedId,
  reason: Reason,
});

/** The personal data of a year's entries outlived its retention period (QINGMIAO_PII_RETENTION_YEARS). */
export const PersonalDataExpired = z.object({
  year: Year,
  retentionYears: z.number().int().positive(),
});

export const privacyEvents = {
  ParticipantErased,
  EntryPersonalDataErased,
  PersonalDataExpired,
} as const;
