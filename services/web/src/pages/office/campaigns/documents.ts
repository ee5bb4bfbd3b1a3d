import { graphql } from '@qingmiao/schema/graphql';
import { checked } from '../../../checked.ts';

/** The GraphQL the campaigns section sends, typed by gql.tada from schema/schema.graphql. */

export const OfficeCampaigns = checked(
  graphql(`
  query OfficeCampaigns($year: Int, $kind: CampaignKind) {
    campaigns(year: $year, kind: $kind) {
      id
      kind
      takes
      title
      year
      status
      opensAt
      closesAt
      entryCount
      schoolCount
      targetSessions
      sessionsDelivered
      progress
    }
  }
`),
);

export const OfficeCampaign = checked(
  graphql(`
  query OfficeCampaign($id: ID!) {
    campaign(id: $id) {
      id
      kind
      takes
      title
      theme
      year
      status
      opensAt
      closesAt
      eligibleSchoolKinds
      maxEntriesPerSchool
      targetSessions
      sessionsDelivered
      progress
      awardQuota
      awardCap
      awardsGranted
      blindJudging
      requireGuardianConsent
      copiedFrom
      cancelReason
      entryCount
      schoolCount
      rubric {
        name
        weight
        maxScore
      }
      entries {
        id
        schoolId
        title
        status
        submittedAt
        updatedAt
      }
      history {
        type
        recordedAt
        actor
        closesAt
        reason
        judge
        copiedFrom
      }
    }
    schools {
      id
      name
      kind
      town
    }
    accounts(role: organizer) {
      id
      login
      displayName
    }
  }
`),
);

export const CreateCampaign = checked(
  graphql(`
  mutation OfficeCreateCampaign($input: CreateCampaignInput!) {
    createCampaign(input: $input) {
      id
    }
  }
`),
);

export const ChangeCampaignSettings = checked(
  graphql(`
  mutation OfficeChangeCampaignSettings($input: ChangeCampaignSettingsInput!) {
    changeCampaignSettings(input: $input) {
      id
      status
    }
  }
`),
);

export const OpenCampaign = checked(
  graphql(`
  mutation OfficeOpenCampaign($input: OpenCampaignInput!) {
    openCampaign(input: $input) {
      id
      status
    }
  }
`),
);

export const CloseCampaign = checked(
  graphql(`
  mutation OfficeCloseCampaign($input: CloseCampaignInput!) {
    closeCampaign(input: $input) {
      id
      status
    }
  }
`),
);

export const ExtendDeadline = checked(
  graphql(`
  mutation OfficeExtendDeadline($input: ExtendDeadlineInput!) {
    extendDeadline(input: $input) {
      id
      closesAt
    }
  }
`),
);

export const CancelCampaign = checked(
  graphql(`
  mutation OfficeCancelCampaign($input: CancelCampaignInput!) {
    cancelCampaign(input: $input) {
      id
      status
    }
  }
`),
);

export const PublishResults = checked(
  graphql(`
  mutation OfficePublishResults($input: PublishResultsInput!) {
    publishResults(input: $input) {
      id
      status
    }
  }
`),
);

export const CopyCampaign = checked(
  graphql(`
  mutation OfficeCopyCampaign($input: CopyCampaignInput!) {
    copyCampaign(input: $input) {
      id
      year
    }
  }
`),
);
