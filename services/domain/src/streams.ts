/** Stream names: one stream per school and per campaign (the consistency boundary for everything inside it). */
export const streams = {
  school: (schoolId: string) => `school-${schoolId}`,
  campaign: (campaignId: string) => `campaign-${campaignId}`,
};
