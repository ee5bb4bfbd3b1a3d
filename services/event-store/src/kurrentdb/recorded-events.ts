import type { AllStreamResolvedEvent, ResolvedEvent } from '@eventstore/db-client';
import type { JsonObject, RecordedEvent } from '../port.ts';

type ClientEvent = NonNullable<ResolvedEvent['event'] | AllStreamResolvedEvent['event']>;

function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

/**
 * The streams of the KurrentDB key store (`@qingmiao/privacy`), one per data key: on the same server as the log but
 * never part of it, so that no read of the log, subscription, export or migration carries a key next to what it
 * sealed.
 */
export const KEY_STREAM_PREFIX = 'qingmiao-key-';

/**
 * Whether an event is not the log's: system events ($-prefixed types, or anything in a $-prefixed stream) are the
 * server's, and the key store's streams hold data keys.
 */
export function isOutsideLog(stream: string, type: string): boolean {
  return stream.startsWith('$') || type.startsWith('$') || stream.startsWith(KEY_STREAM_PREFIX);
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
