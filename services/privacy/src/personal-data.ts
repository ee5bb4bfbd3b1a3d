import type { Json, JsonObject } from '@qingmiao/event-store';
import { ERASED } from '@qingmiao/schema';

/**
 * Which fields of which events identify a person, and how each is sealed. Only entries carry personal data: the
 * participants' names, grades and keys, the advisor's name, the typed text and the files' names. A keyed participant
 * is a data subject of their own (school + key: one child across entries and years); everything else of an entry
 * is sealed under the entry's subject. Roles, consent and the pseudonymous participant id stay in clear, so counts
 * of distinct students survive erasure.
 */
export const ENTRY_EVENTS: ReadonlySet<string> = new Set(['EntrySubmitted', 'EntryRevised']);

const SEALED = '$sealed';
const FORMAT = 'q1';

/** A sealed value: `q1.<kid>.<nonce ‖ ciphertext ‖ tag, base64url>`; the key id is in clear, the value is not. */
type SealedValue = { readonly [SEALED]: string };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isSealed = (value: unknown): value is JsonObject & SealedValue =>
  isObject(value) && typeof value[SEALED] === 'string';

/** The id of the key a sealed value names, or `undefined` for anything else. */
function kidOf(value: unknown): string | undefined {
  if (!isSealed(value)) return undefined;
  const [format, kid] = value[SEALED].split('.', 2);
  return format === FORMAT ? kid : undefined;
}

/** The subject of everything an entry carries that belongs to no keyed participant. */
export const entrySubject = (entryId: string) => `entry:${entryId}`;

/** Who a participant is across entries of one school: the school's key when given, else name and grade. */
export function identityOf(schoolId: string, participant: JsonObject): string {
  return typeof participant.key === 'string'
    ? `${schoolId}|k|${participant.key}`
    : `${schoolId}|n|${String(participant.name)}|${typeof participant.grade === 'string' ? participant.grade : ''}`;
}

export interface Sealer {
  /** Seals `value` for `subject`; `field` is bound to the ciphertext. */
  seal(subject: string, field: string, value: Json): SealedValue;
  pseudonym(identity: string): string;
}

export interface Opener {
  /** The value, or `undefined` when its key was destroyed. */
  open(sealed: string, field: string): Json | undefined;
  pseudonym(identity: string): string;
}

export const sealedValue = (kid: string, ciphertext: string): SealedValue => ({
  [SEALED]: `${FORMAT}.${kid}.${ciphertext}`,
});

/** The parts of a sealed value: its key's id and its bytes. */
export function partsOf(value: SealedValue): { kid: string; ciphertext: string } {
  const [, kid = '', ciphertext = ''] = value[SEALED].split('.', 3);
  return { kid, ciphertext };
}

/** An entry event's data with its personal fields sealed; any other event's data as given. */
export function sealEvent(type: string, data: JsonObject, sealer: Sealer): JsonObject {
  if (!ENTRY_EVENTS.has(type)) return data;
  const entryId = String(data.entryId);
  const schoolId = String(data.schoolId);
  const entry = entrySubject(entryId);
  const sealed: JsonObject = { ...data };
  if (Array.isArray(data.participants)) {
    sealed.participants = data.participants.filter(isObject).map((participant) => {
      if (participant.erased === true) return participant;
      const { name, grade, key, participantId, ...clear } = participant;
      const id =
        typeof participantId === 'string' ? participantId : sealer.pseudonym(identityOf(schoolId, participant));
      const person: JsonObject = { name: name ?? null };
      if (grade !== undefined) person.grade = grade;
      if (key !== undefined) person.key = key;
      return { ...clear, participantId: id, ...sealer.seal(key === undefined ? entry : id, 'participant', person) };
    });
  }
  if (typeof data.advisor === 'string') sealed.advisor = sealer.seal(entry, 'advisor', data.advisor);
  if (typeof data.body === 'string') sealed.body = sealer.seal(entry, 'body', data.body);
  if (Array.isArray(data.attachments)) {
    sealed.attachments = data.attachments.map((file) =>
      isObject(file) && typeof file.name === 'string'
        ? { ...file, name: sealer.seal(entry, 'attachment', file.name) }
        : file,
    );
  }
  return sealed;
}

/** The key ids an event's sealed values name, to fetch their keys in one go. */
export function kidsOf(type: string, data: JsonObject): string[] {
  if (!ENTRY_EVENTS.has(type)) return [];
  const values: unknown[] = [data.advisor, data.body];
  if (Array.isArray(data.participants)) values.push(...data.participants);
  if (Array.isArray(data.attachments)) values.push(...data.attachments.map((file) => isObject(file) && file.name));
  return values.map(kidOf).filter((kid) => kid !== undefined);
}

/**
 * An entry event's data as readers know it: sealed values opened, or shown as erased when their key is gone;
 * each participant with its pseudonymous id (computed for events written in clear before sealing existed, which
 * is why the school must be known); the subjects and keys its values were sealed under, so erasure can find them.
 */
export function openEvent(type: string, data: JsonObject, opener: Opener, schoolId: string | undefined): JsonObject {
  if (!ENTRY_EVENTS.has(type)) return data;
  const opened: JsonObject = { ...data };
  const keys = new Map<string, string>();
  const entry = entrySubject(String(data.entryId));
  const open = (value: SealedValue, subject: string, field: string) => {
    keys.set(partsOf(value).kid, subject);
    return opener.open(value[SEALED], field);
  };
  if (Array.isArray(data.participants)) {
    opened.participants = data.participants.filter(isObject).map((participant) => {
      if (!isSealed(participant)) {
        if (typeof participant.participantId === 'string' || schoolId === undefined) return participant;
        return { ...participant, participantId: opener.pseudonym(identityOf(schoolId, participant)) };
      }
      const { [SEALED]: _, ...clear } = participant;
      const subject = typeof participant.participantId === 'string' ? participant.participantId : entry;
      const person = open(participant, subject, 'participant');
      if (!isObject(person)) return { ...clear, name: ERASED, erased: true };
      // Whether the participant was keyed decides the subject: a keyless one was sealed under the entry's.
      if (person.key === undefined) keys.set(partsOf(participant).kid, entry);
      return { ...clear, ...person };
    });
  }
  if (isSealed(data.advisor)) {
    const advisor = open(data.advisor, entry, 'advisor');
    opened.advisor = typeof advisor === 'string' ? advisor : ERASED;
  }
  if (isSealed(data.body)) {
    const body = open(data.body, entry, 'body');
    if (typeof body === 'string') opened.body = body;
    else delete opened.body;
  }
  if (Array.isArray(data.attachments)) {
    opened.attachments = data.attachments.map((file) => {
      if (!isObject(file) || !isSealed(file.name)) return file;
      const name = open(file.name, entry, 'attachment');
      return { ...file, name: typeof name === 'string' ? name : ERASED };
    });
  }
  if (keys.size > 0) opened.personalDataKeys = [...keys].map(([kid, subject]) => ({ subject, kid }));
  return opened;
}
