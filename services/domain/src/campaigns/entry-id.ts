import { LRUCache } from 'lru-cache';
import { v5 as uuidv5 } from 'uuid';

const NAMESPACE = '0b6c3f0e-8a41-4c1e-9a7e-5f1d2c3b4a59';

/** Each campaign's namespace (a UUID v5 of its id) as bytes: hashing it again for every nested id costs a submission. */
const campaignNamespaces = new LRUCache<string, Uint8Array>({
  max: 10_000,
  memoMethod: (campaignId) => uuidv5(campaignId, NAMESPACE, new Uint8Array(16)),
});

/**
 * Things inside a campaign get ids `{campaignId}:{uuid}`: the UUID v5 of the client's key makes a retry name the
 * same thing, and the campaign part lets later commands find the stream without a lookup.
 */
function nestedIdFor(kind: string, campaignId: string, key: string): string {
  return `${campaignId}:${uuidv5(`${kind}:${key}`, campaignNamespaces.memo(campaignId))}`;
}

export const entryIdFor = (campaignId: string, submissionId: string) => nestedIdFor('entry', campaignId, submissionId);

export const lectureIdFor = (campaignId: string, lectureKey: string) => nestedIdFor('lecture', campaignId, lectureKey);

/** The campaign part of a nested id. */
export function campaignIdOf(nestedId: string): string {
  return nestedId.slice(0, nestedId.indexOf(':'));
}
