import { EventMetadata } from '../metadata.ts';
import { defineEventCatalogue, type EventUnion } from '../versioning.ts';
import { campaignEvents } from './campaign.ts';
import { lecturerEvents } from './lecturer.ts';
import { schoolEvents } from './school.ts';

export * from './campaign.ts';
export * from './lecturer.ts';
export * from './school.ts';

const schemas = { ...schoolEvents, ...lecturerEvents, ...campaignEvents };

/** Every event type Qingmiao writes, all at version 1 so far. */
export const events = defineEventCatalogue(schemas);

export type DomainEvent = EventUnion<typeof schemas>;
export type EventType = DomainEvent['type'];
export type EventOf<T extends EventType> = Extract<DomainEvent, { type: T }>;

/** A stored event read back in its current shape with its metadata; `undefined` for an unknown type. */
export function readEvent(stored: {
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}): { readonly event: DomainEvent; readonly metadata: EventMetadata } | undefined {
  const metadata = EventMetadata.parse(stored.metadata);
  const event = events.decode({ type: stored.type, data: stored.data, schemaVersion: metadata.schemaVersion });
  return event && { event, metadata };
}
