import { describe, it } from 'vitest';
import { Conflict, NotFound } from '../src/errors.ts';
import { type LecturerCommand, type LecturerEvent, lecturerDecider } from '../src/lecturers/lecturer.ts';
import { given } from './given-when-then.ts';

type RegisterInput = Extract<LecturerCommand, { type: 'RegisterLecturer' }>['input'];

const LECTURER = 'wang-guilan';

const register = (overrides: Partial<RegisterInput> = {}): LecturerCommand => ({
  type: 'RegisterLecturer',
  input: { id: LECTURER, name: '王桂兰', formerSchoolId: undefined, topics: undefined, ...overrides },
});

const registered = (overrides: Partial<Extract<LecturerEvent, { type: 'LecturerRegistered' }>['data']> = {}) =>
  ({
    type: 'LecturerRegistered',
    data: { lecturerId: LECTURER, name: '王桂兰', formerSchoolId: null, topics: [], ...overrides },
  }) satisfies LecturerEvent;

const retire = (reason?: string): LecturerCommand => ({
  type: 'RetireLecturer',
  input: { lecturerId: LECTURER, reason },
});

const retired = (reason = ''): LecturerEvent => ({ type: 'LecturerRetired', data: { lecturerId: LECTURER, reason } });

describe('RegisterLecturer', () => {
  it('registers a lecturer with no former school and no topics unless given', () => {
    given(lecturerDecider).when(register()).then([registered()]);
  });

  it('keeps the former school and topics', () => {
    given(lecturerDecider)
      .when(register({ formerSchoolId: 'xinhua-primary', topics: ['红色家风', '劳动教育'] }))
      .then([registered({ formerSchoolId: 'xinhua-primary', topics: ['红色家风', '劳动教育'] })]);
  });

  it('treats an identical retry as done: no second event', () => {
    given(lecturerDecider, [registered()]).when(register()).then([]);
    given(lecturerDecider, [registered({ topics: ['红色家风'] })])
      .when(register({ topics: ['红色家风'] }))
      .then([]);
  });

  it('treats an explicit empty topic list like the default on retry', () => {
    given(lecturerDecider, [registered()])
      .when(register({ topics: [] }))
      .then([]);
  });

  it('treats an identical retry as done after retirement too', () => {
    given(lecturerDecider, [registered(), retired()]).when(register()).then([]);
  });

  it.each([
    ['name', { name: '王桂芳' }],
    ['former school', { formerSchoolId: 'yucai-junior' }],
    ['topics', { topics: ['劳动教育'] }],
  ])('refuses the same id with a different %s as a conflict', (_, change) => {
    given(lecturerDecider, [registered()]).when(register(change)).thenThrows(Conflict, LECTURER);
  });
});

describe('RetireLecturer', () => {
  it('retires a registered lecturer, with an empty reason unless given', () => {
    given(lecturerDecider, [registered()]).when(retire()).then([retired()]);
    given(lecturerDecider, [registered()])
      .when(retire('年事已高'))
      .then([retired('年事已高')]);
  });

  it('refuses a lecturer who was never registered', () => {
    given(lecturerDecider).when(retire()).thenThrows(NotFound, LECTURER);
  });

  it('appends nothing for a lecturer already retired, whatever the reason', () => {
    given(lecturerDecider, [registered(), retired()]).when(retire()).then([]);
    given(lecturerDecider, [registered(), retired('年事已高')])
      .when(retire('另一个理由'))
      .then([]);
  });
});
