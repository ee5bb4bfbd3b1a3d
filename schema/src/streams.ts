/**
 * Stream names: one stream per school, per lecturer, per campaign and per account (the consistency boundary for
 * everything inside it), and one for the roster of enabled organizers.
 */
export const streams = {
  school: (schoolId: string) => `school-${schoolId}`,
  lecturer: (lecturerId: string) => `lecturer-${lecturerId}`,
  campaign: (campaignId: string) => `campaign-${campaignId}`,
  account: (accountId: string) => `account-${accountId}`,
  organizers: () => 'organizers',
};
