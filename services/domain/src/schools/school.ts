import type {
  EventOf,
  RecordEnrollmentInput,
  RegisterSchoolInput,
  RenameSchoolInput,
  SchoolKind,
} from '@qingmiao/schema';
import { stringify } from 'safe-stable-stringify';
import type { Decider } from '../decider.ts';
import { Conflict, NotFound } from '../errors.ts';

export type SchoolEvent =
  | EventOf<'SchoolRegistered'>
  | EventOf<'SchoolRenamed'>
  | EventOf<'EnrollmentRecorded'>
  | EventOf<'ParticipantErased'>;

export type SchoolCommand =
  | { readonly type: 'RegisterSchool'; readonly input: RegisterSchoolInput & { readonly id: string } }
  | { readonly type: 'RenameSchool'; readonly input: RenameSchoolInput }
  | { readonly type: 'RecordEnrollment'; readonly input: RecordEnrollmentInput }
  /** `participantId`: the pseudonym of the school's key for the child (the key itself never enters the log). */
  | {
      readonly type: 'EraseParticipant';
      readonly input: { readonly schoolId: string; readonly participantId: string; readonly reason: string };
    };

export type SchoolState =
  | { readonly registered: false }
  | {
      readonly registered: true;
      readonly registration: EventOf<'SchoolRegistered'>['data'];
      readonly kind: SchoolKind;
      readonly enrollment: ReadonlyMap<number, number>;
      /** Participants whose personal data was erased: erasing one again records nothing. */
      readonly erased: ReadonlySet<string>;
    };

export const schoolDecider: Decider<SchoolState, SchoolCommand, SchoolEvent> = {
  initialState: { registered: false },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterSchool': {
        const { id, name, kind, town } = command.input;
        const data = { schoolId: id, name, kind, town, private: command.input.private ?? false };
        if (state.registered) {
          // A retry of the same registration succeeds without a second event; anything else reuses a taken id.
          if (stringify(state.registration) === stringify(data)) return [];
          throw new Conflict(`School ${id} is already registered`);
        }
        return [{ type: 'SchoolRegistered', data }];
      }
      case 'RenameSchool': {
        const { schoolId, name } = command.input;
        if (!state.registered) throw new NotFound(`School ${schoolId} does not exist`);
        if (state.registration.name === name) return [];
        return [{ type: 'SchoolRenamed', data: { schoolId, name } }];
      }
      case 'RecordEnrollment': {
        const { schoolId, year, students } = command.input;
        if (!state.registered) throw new NotFound(`School ${schoolId} does not exist`);
        if (state.enrollment.get(year) === students) return [];
        return [{ type: 'EnrollmentRecorded', data: { schoolId, year, students } }];
      }
      case 'EraseParticipant': {
        const { schoolId, participantId, reason } = command.input;
        if (!state.registered) throw new NotFound(`School ${schoolId} does not exist`);
        if (state.erased.has(participantId)) return [];
        return [{ type: 'ParticipantErased', data: { schoolId, participantId, reason } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'SchoolRegistered':
        return {
          registered: true,
          registration: event.data,
          kind: event.data.kind,
          enrollment: new Map(),
          erased: new Set(),
        };
      case 'SchoolRenamed':
        if (!state.registered) return state;
        return { ...state, registration: { ...state.registration, name: event.data.name } };
      case 'EnrollmentRecorded':
        if (!state.registered) return state;
        return { ...state, enrollment: new Map(state.enrollment).set(event.data.year, event.data.students) };
      case 'ParticipantErased':
        if (!state.registered) return state;
        return { ...state, erased: new Set(state.erased).add(event.data.participantId) };
    }
  },
};
