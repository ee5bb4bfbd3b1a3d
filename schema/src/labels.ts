import type { CampaignKind, ParticipantRole, ParticipationGrouping, Prize, SchoolKind } from './primitives.ts';

// The Chinese names reports, read models and the dashboard show, one per enum value: a value added to an enum does
// not compile until it has its name here. Types only are imported, so the browser bundle takes these tables alone.

export const SCHOOL_KIND_LABELS: Readonly<Record<SchoolKind, string>> = {
  KINDERGARTEN: '幼儿园',
  PRIMARY: '小学',
  JUNIOR_HIGH: '初中',
  SENIOR_HIGH: '高中',
  NINE_YEAR: '九年一贯制学校',
  VOCATIONAL: '职业学校',
  SPECIAL: '特殊教育学校',
  MIGRANT: '民工子弟学校',
};

export const CAMPAIGN_KIND_LABELS: Readonly<Record<CampaignKind, string>> = {
  ESSAY: '征文',
  PERFORMANCE: '展演',
  LECTURE: '讲座',
  EVALUATION: '评比',
};

export const PRIZE_LABELS: Readonly<Record<Prize, string>> = {
  FIRST: '一等奖',
  SECOND: '二等奖',
  THIRD: '三等奖',
  EXCELLENCE: '优秀奖',
};

/** How the bureau titles figures grouped one way (the year-end workbook's sheet names). */
export const GROUPING_LABELS: Readonly<Record<ParticipationGrouping, string>> = {
  SCHOOL: '按学校',
  TOWN: '按镇区',
  SCHOOL_KIND: '按学校类型',
  CAMPAIGN: '按活动',
  MONTH: '按月份',
};

export const PARTICIPANT_ROLE_LABELS: Readonly<Record<ParticipantRole, string>> = {
  STUDENT: '学生',
  TEACHER: '教师',
  RETIRED_TEACHER: '退休教师',
  PARENT: '家长',
};
