import { graphql, type ResultOf } from '@qingmiao/schema/graphql';
import { checked } from '../../../checked.ts';

/** The GraphQL the schools and lecturers section sends, typed by gql.tada from schema/schema.graphql. */

export const SCHOOLS = checked(
  graphql(`
    query OfficeSchools {
      schools {
        id
        name
        kind
        town
        private
        enrollments {
          year
          students
        }
      }
    }
  `),
);

export type OfficeSchool = ResultOf<typeof SCHOOLS>['schools'][number];

export const REGISTER_SCHOOL = checked(
  graphql(`
    mutation OfficeRegisterSchool($input: RegisterSchoolInput!) {
      registerSchool(input: $input) {
        id
        name
      }
    }
  `),
);

export const RENAME_SCHOOL = checked(
  graphql(`
    mutation OfficeRenameSchool($input: RenameSchoolInput!) {
      renameSchool(input: $input) {
        id
        name
      }
    }
  `),
);

export const RECORD_ENROLLMENT = checked(
  graphql(`
    mutation OfficeRecordEnrollment($input: RecordEnrollmentInput!) {
      recordEnrollment(input: $input) {
        schoolId
        year
        students
      }
    }
  `),
);

export const LECTURERS = checked(
  graphql(`
    query OfficeLecturers {
      lecturers {
        id
        name
        topics
        formerSchoolId
        retired
        lecturesDelivered
        lecturesScheduled
      }
      schools {
        id
        name
      }
    }
  `),
);

export const REGISTER_LECTURER = checked(
  graphql(`
    mutation OfficeRegisterLecturer($input: RegisterLecturerInput!) {
      registerLecturer(input: $input) {
        id
        name
      }
    }
  `),
);
