import { EventMetadata } from '../metadata.ts';
import { defineEventCatalogue, type EventUnion } from '../versioning.ts';
import { accountEvents } from './account.ts';
import { campaignEvents, campaignUpcasters } from './campaign.ts';
import { lecturerEvents } from './lecturer.ts';
import { privacyEvents } from './privacy.ts';
import { schoolEvents } from './school.ts';

export * from './account.ts';
export * from './campaign.ts';
export * from './lecturer.ts';
export * from './privacy.ts';
export * from './school.ts';

const schemas = { ...schoolEvents, ...lecturerEvents, ...campaignEvents, ...accountEvents, ...privacyEvents };

/** Every event type Qingmiao writes, with the version it writes now; older versions are upcast when read. */
export const events = defineEventCatalogue(schemas, {
  versions: { CampaignCreated: 4, EntrySubmitted: 2 },
  upcasters: campaignUpcasters,
});

export type DomainEvent = EventUnion<typeof schemas>;
export type EventType = DomainEvent['type'];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/**
 * A stored event read back in its current shape with its metadata; `undefined` for an unknown type. The type is
 * checked first: an event a newer version wrote may also carry metadata this version cannot read (a new role, say),
 * and must still be skipped rather than stop whoever reads the log.
 */
export function readEvent(stored: {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}): { readonly event: DomainEvent; readonly metadata: EventMetadata } | undefined {
  if (!events.has(stored.type)) return undefined;
  const metadata = EventMetadata.parse(stored.metadata);
  const event = events.decode({ type: stored.type, data: stored.data, schemaVersion: metadata.schemaVersion });
  return event && { event, metadata };
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `readEvent` for replaying the log into read models: an event stored at the current version of its type is taken
 * as stored, not parsed again. Such events were validated before they were appended (the command runner checks every
 * event it writes), and parsing them again on every replay took about a quarter of a rebuild's CPU. Older versions
 * are upcast and parsed, and anything that does not even look like an event goes through `readEvent`.
 */
export function readTrustedEvent(stored: {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}): { readonly event: DomainEvent; readonly metadata: EventMetadata } | undefined {
  const { type, data, metadata } = stored;
  if (events.has(type) && isObject(data) && isObject(metadata) && metadata.schemaVersion === events.versionOf(type)) {
    return { event: { type, data } as DomainEvent, metadata: metadata as EventMetadata };
  }
  return readEvent(stored);
}
