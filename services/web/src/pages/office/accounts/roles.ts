import type { CreateAccountInput } from '@qingmiao/schema';

type Role = CreateAccountInput['role'];

/** Roles as the office names them. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  organizer: '组织方',
  school: '学校',
  judge: '评委',
  viewer: '领导',
};

export const ROLE_OPTIONS = Object.entries(ROLE_LABELS).map(([value, label]) => ({ value: value as Role, label }));

export const STATUS_LABELS = { ACTIVE: '已激活', PENDING: '待激活', DISABLED: '已停用' } as const;
