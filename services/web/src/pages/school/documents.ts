import { graphql } from '@qingmiao/schema/graphql';

/** The GraphQL the school portal sends, typed by gql.tada from schema/schema.graphql. */

export const SchoolCampaigns = graphql(`
  query SchoolCampaigns($schoolId: ID!) {
    school(id: $schoolId) {
      id
      name
      kind
    }
    campaigns {
      id
      kind
      takes
      title
      theme
      year
      opensAt
      closesAt
      status
      eligibleSchoolKinds
      maxEntriesPerSchool
      awardQuota
      awardCap
      requireGuardianConsent
      entries {
        id
        title
        status
        prize
        stars
        meanScore
      }
      lectures {
        id
        schoolId
        topic
        venue
        scheduledAt
        status
        audience
      }
    }
  }
`);

export const EntryToRevise = graphql(`
  query EntryToRevise($id: ID!) {
    entry(id: $id) {
      id
      campaignId
      submissionId
      title
      status
      submittedAt
      updatedAt
      withdrawReason
      advisor
      body
      prize
      stars
      meanScore
      participants {
        name
        role
        grade
        key
        guardianConsent {
          attestedAt
        }
      }
      performance {
        genre
        durationMinutes
        videoLink
      }
      attachments {
        id
        name
        mediaType
        size
        url
      }
    }
  }
`);

export const EntryHistory = graphql(`
  query EntryHistory($entryId: ID!) {
    entryHistory(entryId: $entryId) {
      type
      recordedAt
      role
      data
      attachmentsAdded
      attachmentsRemoved
    }
  }
`);

export const SubmitEntry = graphql(`
  mutation SubmitEntry($input: SubmitEntryInput!) {
    submitEntry(input: $input) {
      id
      campaignId
      status
    }
  }
`);

export const ReviseEntry = graphql(`
  mutation ReviseEntry($input: ReviseEntryInput!) {
    reviseEntry(input: $input) {
      id
      campaignId
      status
    }
  }
`);

export const WithdrawEntry = graphql(`
  mutation WithdrawEntry($input: WithdrawEntryInput!) {
    withdrawEntry(input: $input) {
      id
      status
      withdrawReason
    }
  }
`);
