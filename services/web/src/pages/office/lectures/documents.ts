import { graphql } from '@qingmiao/schema/graphql';
import { checked } from '../../../checked.ts';

/** The GraphQL the lectures section sends, typed by gql.tada from schema/schema.graphql. */

const LECTURE_FIELDS = graphql(`
  fragment OfficeLectureFields on Lecture @_unmask {
    id
    campaignId
    lecturerId
    schoolId
    venue
    topic
    scheduledAt
    status
    audience
    durationMinutes
    cancelReason
  }
`);

export const OfficeLectures = checked(
  graphql(
    `
      query OfficeLectures {
        campaigns(kind: LECTURE) {
          id
          title
          year
          status
          targetSessions
          sessionsDelivered
          progress
          audience
          lectures {
            ...OfficeLectureFields
          }
        }
        lecturers {
          id
          name
          retired
          lecturesDelivered
          lecturesScheduled
          audience
        }
        schools {
          id
          name
        }
      }
    `,
    [LECTURE_FIELDS],
  ),
);

export const ScheduleLecture = checked(
  graphql(
    `
      mutation OfficeScheduleLecture($input: ScheduleLectureInput!) {
        scheduleLecture(input: $input) {
          ...OfficeLectureFields
        }
      }
    `,
    [LECTURE_FIELDS],
  ),
);

export const RescheduleLecture = checked(
  graphql(
    `
      mutation OfficeRescheduleLecture($input: RescheduleLectureInput!) {
        rescheduleLecture(input: $input) {
          ...OfficeLectureFields
        }
      }
    `,
    [LECTURE_FIELDS],
  ),
);

export const CancelLecture = checked(
  graphql(
    `
      mutation OfficeCancelLecture($input: CancelLectureInput!) {
        cancelLecture(input: $input) {
          ...OfficeLectureFields
        }
      }
    `,
    [LECTURE_FIELDS],
  ),
);

export const RecordLectureDelivered = checked(
  graphql(
    `
      mutation OfficeRecordLectureDelivered($input: RecordLectureDeliveredInput!) {
        recordLectureDelivered(input: $input) {
          ...OfficeLectureFields
        }
      }
    `,
    [LECTURE_FIELDS],
  ),
);
