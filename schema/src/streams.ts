/**
 * Stream names: one stream per school, per lecturer, per campaign and per account (the consistency boundary for
 * everything inside it), one for the roster of enabled organizers, and one for the expiry of personal data.
 */
export const streams = {
  school: (schoolId: string) => `school-${schoolId}`,
  lecturer: (lecturerId: string) => `lecturer-${lecturerId}`,
  campaign: (campaignId: string) => `campaign-${campaignId}`,
  account: (accountId: string) => `account-${accountId}`,
  organizers: () => 'organizers',
  /** The years whose personal data expired: one stream, so each year expires once. */
  personalDataRetention: () => 'personal-data-retention',
};
