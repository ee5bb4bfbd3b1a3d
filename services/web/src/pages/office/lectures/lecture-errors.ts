import '../../../forms/zod-jitless.ts';
import type { ScheduleLectureInput } from '@qingmiao/schema';
import { type FieldErrors, fieldErrors } from '../../../forms/field-errors.ts';

type Issues = NonNullable<ReturnType<typeof ScheduleLectureInput.safeParse>['error']>['issues'];

/** Fields chosen from a list or a picker: any problem there means nothing (valid) was chosen. */
const CHOSEN: Readonly<Record<string, string>> = {
  campaignId: '请选择活动',
  lecturerId: '请选择讲师',
  schoolId: '请选择学校',
  lectureId: '请重新打开表单',
  scheduledAt: '请选择日期和时间',
};

/**
 * The lecture forms' problems in Chinese, one per field: the portal's wording of zod issues, except for fields picked
 * rather than typed, and the venue that a lecture outside a school needs.
 */
export function lectureFieldErrors(issues: Issues): FieldErrors {
  const errors: Record<string, string> = { ...fieldErrors(issues) };
  for (const field of Object.keys(errors)) {
    const chosen = CHOSEN[field];
    if (chosen) errors[field] = chosen;
  }
  if (issues.some((issue) => issue.code === 'custom' && issue.path.join('.') === 'venue')) {
    errors.venue = '不在学校举办时须填写地点（如社区、村）';
  }
  return errors;
}
