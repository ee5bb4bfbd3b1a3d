import type { z } from 'zod';

type JsonRecord = Record<string, unknown>;

/** Rewrites the data of one event type from `fromVersion` to `fromVersion + 1`. */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly upcast: (data: JsonRecord) => JsonRecord;
}

/** The stored form of an event, as any event store hands it back. */
export interface StoredEvent {
  readonly type: string;
  readonly data: unknown;
  readonly schemaVersion: number;
}

export class UnreadableEvent extends Error {
  override readonly name = 'UnreadableEvent';
}

type Schemas = Record<string, z.ZodType<JsonRecord>>;

export type EventUnion<S extends Schemas> = {
  [K in keyof S & string]: { readonly type: K; readonly data: z.infer<S[K]> };
}[keyof S & string];

/**
 * The catalogue of event types: the current schema and version of each, and the upcasters that bring older
 * versions up to date. Reading always yields the current shape, so deciders and projections know one version.
 */
export interface EventCatalogue<S extends Schemas> {
  readonly types: readonly (keyof S & string)[];
  versionOf(type: keyof S & string): number;
  has(type: string): type is keyof S & string;
  /** The event in its current shape, or `undefined` for a type this version does not know (written by a newer one). */
  decode(stored: StoredEvent): EventUnion<S> | undefined;
}

export function defineEventCatalogue<S extends Schemas>(
  schemas: S,
  options: {
    readonly versions?: Partial<Record<keyof S & string, number>>;
    readonly upcasters?: readonly Upcaster[];
  } = {},
): EventCatalogue<S> {
  const upcasters = new Map((options.upcasters ?? []).map((u) => [`${u.type}@${u.fromVersion}`, u.upcast]));
  const versions: Partial<Record<string, number>> = options.versions ?? {};
  const has = (type: string): type is keyof S & string => Object.hasOwn(schemas, type);
  const versionOf = (type: string): number => versions[type] ?? 1;
  return {
    types: Object.keys(schemas),
    versionOf,
    has,
    decode({ type, data, schemaVersion }) {
      if (!has(type)) return undefined;
      const current = versionOf(type);
      if (schemaVersion > current) {
        throw new UnreadableEvent(`${type} v${schemaVersion} is newer than this version knows (v${current})`);
      }
      let upcasted = data as JsonRecord;
      for (let version = schemaVersion; version < current; version++) {
        const upcast = upcasters.get(`${type}@${version}`);
        if (!upcast) throw new UnreadableEvent(`No upcaster for ${type} v${version}`);
        upcasted = upcast(upcasted);
      }
      const parsed = schemas[type]?.safeParse(upcasted);
      if (!parsed?.success) throw new UnreadableEvent(`${type} v${schemaVersion} does not match its schema`);
      return { type, data: parsed.data } as EventUnion<S>;
    },
  };
}
