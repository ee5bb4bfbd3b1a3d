import { z } from 'zod';
import { Id, NestedId, Reason, SingleLineText, Year } from '../primitives.ts';

/** A guardian's deletion request for a child a school knows by its own key (e.g. student number). */
export const EraseParticipantInput = z.object({
  schoolId: Id,
  key: SingleLineText(64),
  reason: Reason,
});
export type EraseParticipantInput = z.infer<typeof EraseParticipantInput>;

/** Erases the personal data one entry carries (participants, advisor, text, file names); the entry stays. */
export const EraseEntryPersonalDataInput = z.object({
  entryId: NestedId,
  reason: Reason,
});
export type EraseEntryPersonalDataInput = z.infer<typeof EraseEntryPersonalDataInput>;

/** Expires a year's personal data now that it is due, rather than at the retention job's next hourly run. */
export const ExpirePersonalDataInput = z.object({ year: Year });
export type ExpirePersonalDataInput = z.infer<typeof ExpirePersonalDataInput>;
