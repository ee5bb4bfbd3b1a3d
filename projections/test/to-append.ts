import { randomUUID } from 'node:crypto';
import type { EventToAppend, JsonObject } from '@qingmiao/event-store';
import { events as catalogue, type DomainEvent } from '@qingmiao/schema';

/** Who caused an event, as its metadata says. */
export interface Who {
  readonly actor: string;
  readonly role: 'organizer' | 'school';
  readonly schoolId?: string;
}

export const ORGANIZER: Who = { actor: 'organizer-1', role: 'organizer' };

/** A domain event as the command runner would append it: current schema version, metadata of `who` at `recordedAt`. */
export function toAppend(event: DomainEvent, who: Who, recordedAt: number): EventToAppend {
  return {
    id: randomUUID(),
    type: event.type,
    data: JSON.parse(JSON.stringify(event.data)) as JsonObject,
    metadata: {
      actor: who.actor,
      role: who.role,
      ...(who.schoolId ? { schoolId: who.schoolId } : {}),
      correlationId: randomUUID(),
      recordedAt: new Date(recordedAt).toISOString(),
      schemaVersion: catalogue.versionOf(event.type),
    },
  };
}
