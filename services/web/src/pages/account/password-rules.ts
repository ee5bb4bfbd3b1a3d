import type { FormRule } from 'antd';

/** The server's rule for a new password (services/domain/src/accounts/account.ts), checked before sending. */
const MIN_PASSWORD_LENGTH = 10;

/** A new password: at least 10 characters, and not the login typed in the field `loginField` (if any). */
export function passwordRules(loginField?: string): FormRule[] {
  return [
    { required: true, message: '请设置密码' },
    {
      validator: async (_rule, value: string | undefined) => {
        if (value && [...value].length < MIN_PASSWORD_LENGTH) throw new Error(`密码至少 ${MIN_PASSWORD_LENGTH} 个字符`);
      },
    },
    ...(loginField
      ? [
          ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
            validator: async (_rule: unknown, value: string | undefined) => {
              const login = String(getFieldValue(loginField) ?? '').trim();
              if (value && login && value === login) throw new Error('密码不能与登录名相同');
            },
          }),
        ]
      : []),
  ];
}

/** The same password typed again. */
export function confirmRules(passwordField: string): FormRule[] {
  return [
    { required: true, message: '请再次输入密码' },
    ({ getFieldValue }) => ({
      validator: async (_rule, value: string | undefined) => {
        if (value && value !== getFieldValue(passwordField)) throw new Error('两次输入的密码不一致');
      },
    }),
  ];
}
