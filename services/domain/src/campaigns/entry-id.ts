import { v5 as uuidv5 } from 'uuid';

const NAMESPACE = '0b6c3f0e-8a41-4c1e-9a7e-5f1d2c3b4a59';

/**
 * An entry's id follows from its campaign and the school's submissionId (UUID v5), so a retried submission names
 * the same entry, and the id carries its campaign so later commands find the stream without a lookup.
 */
export function entryIdFor(campaignId: string, submissionId: string): string {
  return `${campaignId}:${uuidv5(submissionId, uuidv5(campaignId, NAMESPACE))}`;
}

/** The campaign part of a nested id (`{campaignId}:{uuid}`). */
export function campaignIdOf(nestedId: string): string {
  return nestedId.slice(0, nestedId.indexOf(':'));
}
