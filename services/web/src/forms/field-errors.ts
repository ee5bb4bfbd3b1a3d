import type { SubmitEntryInput } from '@qingmiao/schema';

/** One problem zod found, as `safeParse` reports it (the type is taken from the schemas this app validates with). */
type Issue = NonNullable<ReturnType<typeof SubmitEntryInput.safeParse>['error']>['issues'][number];

/** Problems by field path (`title`, `participants.2.name`, `performance.genre`), in Chinese, one per field. */
export type FieldErrors = Readonly<Record<string, string>>;

const unit = (origin: string) => (origin === 'string' ? '个字' : origin === 'array' ? '项' : '');

/**
 * A zod issue in Chinese. The schemas' own messages are English for programs and logs; the page words them from the
 * issue's kind and bounds, so that a rule changed in the schema changes what the page says.
 */
function chineseMessage(issue: Issue): string {
  const field = String(issue.path.at(-1) ?? '');
  switch (issue.code) {
    case 'too_small':
      if (issue.origin === 'number') return `不能小于 ${issue.minimum}`;
      return Number(issue.minimum) <= 1 ? '不能为空' : `至少 ${issue.minimum} ${unit(issue.origin)}`;
    case 'too_big':
      if (issue.origin === 'number') return `不能大于 ${issue.maximum}`;
      if (field === 'attachmentIds') return `最多 ${issue.maximum} 个文件`;
      return `不能超过 ${issue.maximum} ${unit(issue.origin)}`;
    case 'invalid_type':
      if (issue.expected === 'int') return '须为整数';
      if (issue.expected === 'number') return '请填写数字';
      return '必填';
    case 'invalid_value':
      return '请选择';
    case 'invalid_format':
      if (field === 'videoLink') return '须为一个网址，不含空格';
      return field === 'body' ? '不能含不可见字符（如零宽空格）' : '只能写一行，不能含不可见字符（如零宽空格）';
    default:
      if (field === 'videoLink') return '须为 http 或 https 网址，且不含用户名或密码';
      if (issue.path.includes('attachmentIds')) return '文件重复';
      return '填写有误';
  }
}

/** The first problem of each field. */
export function fieldErrors(issues: readonly Issue[]): FieldErrors {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const path = issue.path.map(String).join('.');
    errors[path] ??= chineseMessage(issue);
  }
  return errors;
}
