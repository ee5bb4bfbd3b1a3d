import type { CombinedError } from '@urql/core';
import { ApiError, NetworkError } from './session/api-request.ts';

/**
 * What the person reads when the server refuses, in Chinese: one sentence per error code the API sends
 * (`extensions.code`; a unit test reads the server's sources and fails when a code is missing here), and the
 * Chinese name of the field a BAD_USER_INPUT names.
 */
export const ERROR_MESSAGES = {
  UNAUTHENTICATED: '登录已失效，请重新登录。',
  FORBIDDEN: '您的账号没有权限查看或进行此操作。',
  BAD_USER_INPUT: '填写的内容有误，请检查后再提交。',
  BAD_REQUEST: '请求格式有误，请刷新页面后重试。',
  NOT_FOUND: '要找的内容不存在，可能已被删除。',
  CONFLICT: '内容已被他人修改或状态已变化，请刷新后重试。',
  CAMPAIGN_NOT_OPEN: '该活动当前不在报名或提交期内。',
  NOT_ELIGIBLE: '本校不在该活动的参加范围内。',
  LIMIT_EXCEEDED: '已达到该活动每校可提交的作品数上限。',
  QUOTA_EXCEEDED: '已超过该活动的获奖名额。',
  TOO_MANY_ATTEMPTS: '尝试次数过多，请 15 分钟后再试。',
  RATE_LIMITED: '请求过于频繁，请稍后再试。',
  BUSY: '服务器正忙，请稍后再试。',
  SHUTTING_DOWN: '服务器正在重启，请稍后再试。',
  STORAGE_UNAVAILABLE: '文件存储暂时不可用，请稍后重试。',
} as const satisfies Record<string, string>;

type ErrorCode = keyof typeof ERROR_MESSAGES;

/** Chinese names of the fields of the API's inputs and arguments. */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  activationCode: '激活码',
  actor: '操作人',
  advisor: '指导老师',
  asOf: '查询时间',
  attachmentIds: '附件',
  audience: '听众人数',
  awardQuota: '获奖名额',
  blindJudging: '匿名评审',
  body: '正文',
  campaignId: '活动',
  closesAt: '截止时间',
  comment: '评语',
  criteria: '评分标准',
  criterion: '评分项',
  currentPassword: '当前密码',
  displayName: '显示名称',
  durationMinutes: '时长(分钟)',
  eligibleSchoolKinds: '可参加的学校类型',
  entryId: '作品',
  file: '文件',
  formerSchoolId: '原学校',
  from: '开始日期',
  genre: '表演类型',
  grade: '年级',
  groupBy: '分组方式',
  guardianConsent: '监护人同意',
  id: '编号',
  input: '提交的内容',
  judge: '评委',
  key: '学籍号',
  kind: '类型',
  lectureId: '讲座',
  lecturerId: '讲师',
  limit: '数量',
  login: '登录名',
  maxEntriesPerSchool: '每校作品数上限',
  maxScore: '满分',
  name: '姓名',
  newPassword: '新密码',
  opensAt: '开始时间',
  participants: '参赛人员',
  password: '密码',
  performance: '展演信息',
  private: '仅内部可见',
  prize: '奖项',
  rankBy: '排序依据',
  requireGuardianConsent: '须监护人同意',
  query: '查询条件',
  reason: '原因',
  role: '角色',
  rubric: '评分细则',
  scheduledAt: '安排时间',
  schoolId: '学校',
  score: '分数',
  sourceId: '来源',
  stars: '星级',
  status: '状态',
  students: '学生人数',
  submissionId: '提交编号',
  targetSessions: '目标场次',
  theme: '主题',
  title: '作品标题',
  to: '结束日期',
  topic: '题目',
  topics: '题目',
  town: '镇区',
  venue: '地点',
  videoLink: '视频链接',
  weight: '权重',
  year: '年度',
};

/** A field path as the server names it (`participants.1.name`) in Chinese: 参赛人员第 2 行的姓名. */
export function fieldLabel(path: string): string {
  const parts: string[] = [];
  for (const segment of path.split('.')) {
    if (/^\d+$/.test(segment)) parts.push(`第 ${Number(segment) + 1} 项`);
    else parts.push(FIELD_LABELS[segment] ?? segment);
  }
  return parts.join('').replace(/(第 \d+ 项)(?=\S)/g, '$1的');
}

const isErrorCode = (code: string | undefined): code is ErrorCode => code !== undefined && code in ERROR_MESSAGES;

/** The sentence for one refusal: its code's message, naming the field for bad input. */
export function messageFor(code: string | undefined, field?: string): string {
  if (code === 'BAD_USER_INPUT' && field) return `“${fieldLabel(field)}”填写有误，请检查后再提交。`;
  return isErrorCode(code) ? ERROR_MESSAGES[code] : '出现了意外错误，请稍后重试。';
}

export const NETWORK_MESSAGE = '无法连接服务器，请检查网络后重试。';

/** What went wrong, for the person: from an urql CombinedError, an ApiError, a network failure, or anything. */
export function errorMessage(error: unknown): string {
  if (error instanceof NetworkError) return NETWORK_MESSAGE;
  if (error instanceof ApiError) return messageFor(error.code, error.field);
  const combined = error as Partial<CombinedError> | undefined;
  if (combined?.networkError) return NETWORK_MESSAGE;
  const first = combined?.graphQLErrors?.find((graphQLError) => graphQLError.extensions?.code);
  if (first) {
    const { code, field } = first.extensions as { code?: string; field?: string };
    return messageFor(code, field);
  }
  return messageFor(undefined);
}

/** The error's code, from any of the shapes errorMessage reads. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof ApiError) return error.code;
  const combined = error as Partial<CombinedError> | undefined;
  const code = combined?.graphQLErrors?.find((graphQLError) => graphQLError.extensions?.code)?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The field a BAD_USER_INPUT names, from any of the shapes errorMessage reads. */
export function errorField(error: unknown): string | undefined {
  if (error instanceof ApiError) return error.field;
  const combined = error as Partial<CombinedError> | undefined;
  const field = combined?.graphQLErrors?.find((graphQLError) => graphQLError.extensions?.field)?.extensions?.field;
  return typeof field === 'string' ? field : undefined;
}

/** Whether the server could not be reached (the page offers to retry). */
export function isNetworkError(error: unknown): boolean {
  return error instanceof NetworkError || Boolean((error as Partial<CombinedError> | undefined)?.networkError);
}
