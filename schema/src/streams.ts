/** Stream names: one stream per school, per lecturer and per campaign (the consistency boundary for everything inside it). */
export const streams = {
  school: (schoolId: string) => `school-${schoolId}`,
  lecturer: (lecturerId: string) => `lecturer-${lecturerId}`,
  campaign: (campaignId: string) => `campaign-${campaignId}`,
};
