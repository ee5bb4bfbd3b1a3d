import { graphql } from '@qingmiao/schema/graphql';
import { checked } from '../../../checked.ts';

/** The GraphQL the accounts section sends, typed by gql.tada from schema/schema.graphql. */

export const OfficeAccounts = checked(
  graphql(`
    query OfficeAccounts($role: Role, $schoolId: ID) {
      accounts(role: $role, schoolId: $schoolId) {
        id
        login
        displayName
        role
        schoolId
        status
      }
      schools {
        id
        name
      }
    }
  `),
);

export const CreateAccount = checked(
  graphql(`
    mutation OfficeCreateAccount($input: CreateAccountInput!) {
      createAccount(input: $input) {
        activationCode
        account {
          id
          login
          displayName
          status
        }
      }
    }
  `),
);

export const ResetAccount = checked(
  graphql(`
    mutation OfficeResetAccount($input: ResetAccountInput!) {
      resetAccount(input: $input) {
        activationCode
        account {
          id
          login
          displayName
          status
        }
      }
    }
  `),
);

export const DisableAccount = checked(
  graphql(`
    mutation OfficeDisableAccount($input: DisableAccountInput!) {
      disableAccount(input: $input) {
        id
        status
      }
    }
  `),
);

export const EnableAccount = checked(
  graphql(`
    mutation OfficeEnableAccount($input: EnableAccountInput!) {
      enableAccount(input: $input) {
        id
        status
      }
    }
  `),
);
