import { describe, it } from 'vitest';
import { Conflict, NotFound } from '../src/errors.ts';
import { type SchoolCommand, type SchoolEvent, schoolDecider } from '../src/schools/school.ts';
import { given } from './given-when-then.ts';

const registration = {
  schoolId: 'xinhua-primary',
  name: '新华小学',
  kind: 'PRIMARY',
  town: '城关镇',
  private: false,
} as const;

const registered: SchoolEvent = { type: 'SchoolRegistered', data: registration };

const register = (overrides: Partial<Extract<SchoolCommand, { type: 'RegisterSchool' }>['input']> = {}) =>
  ({
    type: 'RegisterSchool',
    input: {
      id: 'xinhua-primary',
      name: '新华小学',
      kind: 'PRIMARY',
      town: '城关镇',
      private: undefined,
      ...overrides,
    },
  }) satisfies SchoolCommand;

const enroll = (year: number, students: number, schoolId = 'xinhua-primary') =>
  ({ type: 'RecordEnrollment', input: { schoolId, year, students } }) satisfies SchoolCommand;

describe('RegisterSchool', () => {
  it('registers a new school, public unless said otherwise', () => {
    given(schoolDecider).when(register()).then([registered]);
  });

  it('keeps the private flag when given', () => {
    given(schoolDecider)
      .when(register({ id: 'guangming-migrant', name: '光明民工子弟学校', kind: 'MIGRANT', private: true }))
      .then([
        {
          type: 'SchoolRegistered',
          data: {
            schoolId: 'guangming-migrant',
            name: '光明民工子弟学校',
            kind: 'MIGRANT',
            town: '城关镇',
            private: true,
          },
        },
      ]);
  });

  it('treats an identical retry as done: no second event', () => {
    given(schoolDecider, [registered]).when(register()).then([]);
  });

  it('treats an explicit private: false like the default on retry', () => {
    given(schoolDecider, [registered])
      .when(register({ private: false }))
      .then([]);
  });

  it.each([
    ['name', { name: '新华实验小学' }],
    ['kind', { kind: 'NINE_YEAR' as const }],
    ['town', { town: '城南镇' }],
    ['private', { private: true }],
  ])('refuses the same id with a different %s as a conflict', (_, change) => {
    given(schoolDecider, [registered]).when(register(change)).thenThrows(Conflict, 'xinhua-primary');
  });
});

describe('RecordEnrollment', () => {
  it('refuses an unknown school', () => {
    given(schoolDecider).when(enroll(2022, 800)).thenThrows(NotFound, 'xinhua-primary');
  });

  it('records the enrollment of a year', () => {
    given(schoolDecider, [registered])
      .when(enroll(2022, 800))
      .then([{ type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 800 } }]);
  });

  it('records nothing when the value is already the one recorded', () => {
    given(schoolDecider, [
      registered,
      { type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 800 } },
    ])
      .when(enroll(2022, 800))
      .then([]);
  });

  it('records a corrected value, and keeps years apart', () => {
    const year2022 = {
      type: 'EnrollmentRecorded',
      data: { schoolId: 'xinhua-primary', year: 2022, students: 800 },
    } as const;
    given(schoolDecider, [registered, year2022])
      .when(enroll(2022, 812))
      .then([{ type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 812 } }]);
    given(schoolDecider, [registered, year2022])
      .when(enroll(2023, 800))
      .then([{ type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2023, students: 800 } }]);
  });

  it('records zero students as a value of its own', () => {
    given(schoolDecider, [registered])
      .when(enroll(2022, 0))
      .then([{ type: 'EnrollmentRecorded', data: { schoolId: 'xinhua-primary', year: 2022, students: 0 } }]);
  });
});

describe('RenameSchool', () => {
  const rename = (name: string, schoolId = 'xinhua-primary') =>
    ({ type: 'RenameSchool', input: { schoolId, name } }) satisfies SchoolCommand;

  it('refuses an unknown school', () => {
    given(schoolDecider).when(rename('新华实验小学')).thenThrows(NotFound, 'xinhua-primary');
  });

  it('renames a school, once', () => {
    const renamed = { type: 'SchoolRenamed', data: { schoolId: 'xinhua-primary', name: '新华实验小学' } } as const;
    given(schoolDecider, [registered]).when(rename('新华实验小学')).then([renamed]);
    given(schoolDecider, [registered, renamed]).when(rename('新华实验小学')).then([]);
    given(schoolDecider, [registered]).when(rename('新华小学')).then([]);
  });
});
