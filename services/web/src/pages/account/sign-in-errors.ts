import { errorCode, errorField, errorMessage } from '../../error-messages.ts';

/**
 * What a refused sign-in, activation or password change says: one message for an unknown login and a wrong
 * password (the server gives one code for both), and the rule of a field it refused.
 */
export function signInError(error: unknown): string {
  const code = errorCode(error);
  if (code === 'UNAUTHENTICATED') return '登录名或密码错误。';
  if (code === 'BAD_USER_INPUT') {
    const field = errorField(error);
    if (field === 'activationCode') return '激活码不正确、已过期或已使用。';
    if (field === 'password' || field === 'newPassword') return '密码至少 10 个字符，且不能与登录名相同。';
    if (field === 'currentPassword') return '当前密码不正确。';
  }
  return errorMessage(error);
}
