import type { EventOf, RegisterLecturerInput, RetireLecturerInput } from '@qingmiao/schema';
import { stringify } from 'safe-stable-stringify';
import type { Decider } from '../decider.ts';
import { Conflict, NotFound } from '../errors.ts';

export type LecturerEvent = EventOf<'LecturerRegistered'> | EventOf<'LecturerRetired'>;

export type LecturerCommand =
  | { readonly type: 'RegisterLecturer'; readonly input: RegisterLecturerInput & { readonly id: string } }
  | { readonly type: 'RetireLecturer'; readonly input: RetireLecturerInput };

export type LecturerState =
  | { readonly registered: false }
  | {
      readonly registered: true;
      readonly registration: EventOf<'LecturerRegistered'>['data'];
      readonly retired: boolean;
    };

export const lecturerDecider: Decider<LecturerState, LecturerCommand, LecturerEvent> = {
  initialState: { registered: false },

  decide(command, state) {
    switch (command.type) {
      case 'RegisterLecturer': {
        const { id, name, formerSchoolId, topics } = command.input;
        const data = { lecturerId: id, name, formerSchoolId: formerSchoolId ?? null, topics: topics ?? [] };
        if (state.registered) {
          if (stringify(state.registration) === stringify(data)) return [];
          throw new Conflict(`Lecturer ${id} is already registered`);
        }
        return [{ type: 'LecturerRegistered', data }];
      }
      case 'RetireLecturer': {
        const { lecturerId, reason } = command.input;
        if (!state.registered) throw new NotFound(`Lecturer ${lecturerId} does not exist`);
        if (state.retired) return [];
        return [{ type: 'LecturerRetired', data: { lecturerId, reason: reason ?? '' } }];
      }
    }
  },

  evolve(state, event) {
    switch (event.type) {
      case 'LecturerRegistered':
        return { registered: true, registration: event.data, retired: false };
      case 'LecturerRetired':
        return state.registered ? { ...state, retired: true } : state;
    }
  },
};
