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
/** One field's value under its own key (all that was written before sealing per event). */
const FIELD_FORMAT = 'q1';
/** Everything of one event sealed for the entry's subject, as one value in the event's own `$sealed`. */
const EVENT_FORMAT = 'q2';

/**
 * A sealed value: `q1.<kid>.<nonce ‖ ciphertext ‖ tag, base64url>` (the key id in clear, the value not); in place
 * of a field sealed in the event's `q2` value, just `q2`, which keeps the field's place in the event.
 */
type SealedValue = { readonly [SEALED]: string };
const IN_EVENT: SealedValue = { [SEALED]: EVENT_FORMAT };

const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isSealed = (value: unknown): value is JsonObject & SealedValue =>
  isObject(value) && typeof value[SEALED] === 'string';
const inEvent = (value: unknown) => isSealed(value) && value[SEALED] === EVENT_FORMAT;

/** The parts of a sealed value (`<format>.<kid>.<ciphertext>`), or `undefined` for anything else. */
function partsOf(sealed: unknown, format: string): { kid: string; ciphertext: string } | undefined {
  // By index rather than split: every sealed value of a catch-up passes here, twice.
  if (typeof sealed !== 'string' || !sealed.startsWith(format) || sealed[format.length] !== '.') return undefined;
  const dot = sealed.indexOf('.', format.length + 1);
  if (dot < 0) return undefined;
  const end = sealed.indexOf('.', dot + 1);
  const kid = sealed.slice(format.length + 1, dot);
  const ciphertext = end < 0 ? sealed.slice(dot + 1) : sealed.slice(dot + 1, end);
  return kid && ciphertext ? { kid, ciphertext } : undefined;
}

/** A copy of `value` without its own sealed value (a loop: rest destructuring by a computed name is far slower). */
function withoutSealed(value: JsonObject): JsonObject {
  const copy: JsonObject = {};
  for (const name in value) if (name !== SEALED) copy[name] = value[name] as Json;
  return copy;
}

/** The id of the key a field's own sealed value names, or `undefined` for anything else. */
const kidOf = (value: unknown) => (isSealed(value) ? partsOf(value[SEALED], FIELD_FORMAT)?.kid : undefined);

/** The subject of everything an entry carries that belongs to no keyed participant. */
export const entrySubject = (entryId: string) => `entry:${entryId}`;

/** Who a participant is across entries of one school: the school's key when given, else name and grade. */
export function identityOf(schoolId: string, participant: JsonObject): string {
  return typeof participant.key === 'string'
    ? `${schoolId}|k|${participant.key}`
    : `${schoolId}|n|${String(participant.name)}|${typeof participant.grade === 'string' ? participant.grade : ''}`;
}

interface Sealed {
  readonly kid: string;
  /** `nonce ‖ ciphertext ‖ tag`, base64url. */
  readonly ciphertext: string;
}

export interface Sealer {
  /** Seals `value` for `subject`; `field` is bound to the ciphertext. */
  seal(subject: string, field: string, value: Json): Sealed;
  pseudonym(identity: string): string;
}

export interface Opener {
  /** The value, or `undefined` when its key was destroyed. */
  open(sealed: Sealed, field: string): Json | undefined;
  pseudonym(identity: string): string;
}

/** The field under which an event's value for the entry's subject is sealed (bound to its ciphertext). */
const ENTRY_FIELD = 'entry';

/**
 * An entry event's data with its personal fields sealed: each keyed participant's in a value of its own, everything
 * else of the entry (keyless participants, advisor, text, files' names) in one value for the entry's subject, so
 * that an event costs one cipher operation per data subject. Any other event's data as given.
 */
export function sealEvent(type: string, data: JsonObject, sealer: Sealer): JsonObject {
  if (!ENTRY_EVENTS.has(type)) return data;
  const schoolId = String(data.schoolId);
  const sealed: JsonObject = { ...data };
  const ofEntry: { participants?: JsonObject; advisor?: Json; body?: Json; attachments?: JsonObject } = {};
  if (Array.isArray(data.participants)) {
    sealed.participants = data.participants.filter(isObject).map((participant, index) => {
      if (participant.erased === true) return participant;
      const { name, grade, key, participantId, ...clear } = participant;
      const id =
        typeof participantId === 'string' ? participantId : sealer.pseudonym(identityOf(schoolId, participant));
      const person: JsonObject = { name: name ?? null };
      if (grade !== undefined) person.grade = grade;
      if (key !== undefined) person.key = key;
      if (key === undefined) {
        ofEntry.participants = { ...ofEntry.participants, [index]: person };
        return { ...clear, participantId: id, ...IN_EVENT };
      }
      const { kid, ciphertext } = sealer.seal(id, 'participant', person);
      return { ...clear, participantId: id, [SEALED]: `${FIELD_FORMAT}.${kid}.${ciphertext}` };
    });
  }
  if (typeof data.advisor === 'string') {
    ofEntry.advisor = data.advisor;
    sealed.advisor = IN_EVENT;
  }
  if (typeof data.body === 'string') {
    ofEntry.body = data.body;
    sealed.body = IN_EVENT;
  }
  if (Array.isArray(data.attachments)) {
    sealed.attachments = data.attachments.map((file, index) => {
      if (!isObject(file) || typeof file.name !== 'string') return file;
      ofEntry.attachments = { ...ofEntry.attachments, [index]: file.name };
      return { ...file, name: IN_EVENT };
    });
  }
  if (Object.keys(ofEntry).length > 0) {
    const { kid, ciphertext } = sealer.seal(entrySubject(String(data.entryId)), ENTRY_FIELD, ofEntry);
    sealed[SEALED] = `${EVENT_FORMAT}.${kid}.${ciphertext}`;
  }
  return sealed;
}

/** A sealed value an event holds and the field it is bound to. */
export interface SealedField extends Sealed {
  readonly field: string;
}

/** Every sealed value an event holds, to fetch their keys and open them in one go. */
export function sealedValuesOf(type: string, data: JsonObject): SealedField[] {
  if (!ENTRY_EVENTS.has(type)) return [];
  const found: SealedField[] = [];
  addSealed(found, data.advisor, 'advisor');
  addSealed(found, data.body, 'body');
  if (Array.isArray(data.participants)) {
    for (const participant of data.participants) addSealed(found, participant, 'participant');
  }
  if (Array.isArray(data.attachments)) {
    for (const file of data.attachments) addSealed(found, isObject(file) && file.name, 'attachment');
  }
  const ofEntry = partsOf(data[SEALED], EVENT_FORMAT);
  if (ofEntry) found.push({ kid: ofEntry.kid, ciphertext: ofEntry.ciphertext, field: ENTRY_FIELD });
  return found;
}

/** `value`'s own sealed value (`q1`), if it is one, bound to `field`. */
function addSealed(found: SealedField[], value: unknown, field: string): void {
  const parts = isSealed(value) ? partsOf(value[SEALED], FIELD_FORMAT) : undefined;
  if (parts) found.push({ kid: parts.kid, ciphertext: parts.ciphertext, field });
}

/**
 * An entry event's data as readers know it: sealed values opened, or shown as erased when their key is gone;
 * each participant with its pseudonymous id (computed for events written in clear before sealing existed, which
 * is why the school must be known); the subjects and keys its values were sealed under, so erasure can find them.
 * Reads every format ever written: fields sealed one by one (`q1`) and per event (`q2`).
 */
export function openEvent(type: string, data: JsonObject, opener: Opener, schoolId: string | undefined): JsonObject {
  if (!ENTRY_EVENTS.has(type)) return data;
  const opened = withoutSealed(data);
  const entry = entrySubject(String(data.entryId));
  const reading: Reading = { opener, entry, keys: new Map(), ofEntry: {} };
  // The entry's subject's value of this event: absent when its key was destroyed.
  const eventParts = partsOf(data[SEALED], EVENT_FORMAT);
  if (eventParts) {
    reading.keys.set(eventParts.kid, entry);
    const ofEntry = opener.open(eventParts, ENTRY_FIELD);
    if (isObject(ofEntry)) reading.ofEntry = ofEntry;
  }
  if (Array.isArray(data.participants)) {
    const participants: Json[] = [];
    for (const participant of data.participants) {
      if (isObject(participant))
        participants.push(openParticipant(reading, participant, participants.length, schoolId));
    }
    opened.participants = participants;
  }
  if (isSealed(data.advisor)) {
    const advisor = inEvent(data.advisor)
      ? reading.ofEntry.advisor
      : openField(reading, data.advisor, entry, 'advisor');
    opened.advisor = typeof advisor === 'string' ? advisor : ERASED;
  }
  if (isSealed(data.body)) {
    const body = inEvent(data.body) ? reading.ofEntry.body : openField(reading, data.body, entry, 'body');
    if (typeof body === 'string') opened.body = body;
    else delete opened.body;
  }
  if (Array.isArray(data.attachments)) {
    const attachments: Json[] = [];
    for (const file of data.attachments) {
      if (!isObject(file) || !isSealed(file.name)) {
        attachments.push(file);
        continue;
      }
      const name = inEvent(file.name)
        ? pick(reading, 'attachments', attachments.length)
        : openField(reading, file.name, entry, 'attachment');
      attachments.push({ ...file, name: typeof name === 'string' ? name : ERASED });
    }
    opened.attachments = attachments;
  }
  if (reading.keys.size > 0) {
    opened.personalDataKeys = [...reading.keys].map(([kid, subject]) => ({ subject, kid }));
  }
  return opened;
}

/** What opening one event needs as it goes, and the keys (with their subjects) its values were found under. */
interface Reading {
  readonly opener: Opener;
  /** The entry's subject. */
  readonly entry: string;
  readonly keys: Map<string, string>;
  /** The event's value for the entry's subject, opened; empty when there is none or its key was destroyed. */
  ofEntry: JsonObject;
}

/** A field's own sealed value (`q1`), opened. */
function openField(reading: Reading, value: SealedValue, subject: string, field: string): Json | undefined {
  const parts = partsOf(value[SEALED], FIELD_FORMAT);
  if (!parts) return undefined;
  reading.keys.set(parts.kid, subject);
  return reading.opener.open(parts, field);
}

/** The `index`-th value of `part` (participants, attachments) in the event's value for the entry's subject. */
function pick(reading: Reading, part: string, index: number): Json | undefined {
  const values = reading.ofEntry[part];
  return isObject(values) ? values[index] : undefined;
}

function openParticipant(reading: Reading, participant: JsonObject, index: number, schoolId: string | undefined): Json {
  if (!isSealed(participant)) {
    if (typeof participant.participantId === 'string' || schoolId === undefined) return participant;
    return { ...participant, participantId: reading.opener.pseudonym(identityOf(schoolId, participant)) };
  }
  const clear = withoutSealed(participant);
  const subject = typeof participant.participantId === 'string' ? participant.participantId : reading.entry;
  const person = inEvent(participant)
    ? pick(reading, 'participants', index)
    : openField(reading, participant, subject, 'participant');
  if (!isObject(person)) return { ...clear, name: ERASED, erased: true };
  // Whether the participant was keyed decides the subject: a keyless one was sealed under the entry's.
  const kid = kidOf(participant);
  if (person.key === undefined && kid !== undefined) reading.keys.set(kid, reading.entry);
  for (const name in person) clear[name] = person[name] as Json;
  return clear;
}
