import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import type { JsonObject, RecordedEvent } from '../port.ts';

type ClientEvent = NonNullable<ResolvedEvent['event'] | AllStreamResolvedEvent['event']>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/** System events ($-prefixed types, or anything in a $-prefixed stream) are the server's, never Qingmiao's. */
export function isSystem(stream: string, type: string): boolean {
  return stream.startsWith('$') || type.startsWith('$');
}

/** An event as the client reads it, as the port's: JSON data and metadata, a log position. */
export function toRecorded(event: ClientEvent): RecordedEvent {
  const { data, metadata, position } = event;
  if (!event.isJson || !isJsonObject(data)) {
    throw new Error(`Event ${event.id} in ${event.streamId} is not a JSON object; Qingmiao writes JSON objects only`);
  }
  if (metadata !== undefined && !isJsonObject(metadata)) {
    throw new Error(`Event ${event.id} in ${event.streamId} has metadata that is not a JSON object`);
  }
  if (!position) throw new Error(`Event ${event.id} came without a log position; the server is older than 22.6`);
  return {
    id: event.id,
    stream: event.streamId,
    revision: Number(event.revision),
    position: { commit: position.commit, prepare: position.prepare },
    type: event.type,
    data,
    metadata: metadata ?? {},
    created: event.created.toISOString(),
  };
}
