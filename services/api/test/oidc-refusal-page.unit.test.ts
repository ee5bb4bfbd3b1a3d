import { describe, expect, it } from 'vitest';
import { type Refusal, refusalPage } from '../src/oidc/refusal-page.ts';

const REFUSALS: readonly Refusal[] = [
  'no-account',
  'invalid-request',
  'provider-refused',
  'no-login',
  'provider-unavailable',
  'failure',
];

describe('refusalPage', () => {
  it.each(REFUSALS)('%s: a Chinese page with a way back, no script, no form', (refusal) => {
    const html = refusalPage(refusal);
    expect(html).toMatch(/^<!doctype html>\n<html lang="zh-CN">/);
    expect(html).toMatch(/<h1>[^<]*[\u4e00-\u9fff][^<]*<\/h1>/);
    expect(html).toContain('<a href="/auth/oidc/start">重新登录</a>');
    expect(html).not.toMatch(/<script|<form|\son\w+=/i);
  });

  it('gives an account not yet opened and a disabled one one message, and says whom to ask', () => {
    expect(refusalPage('no-account')).toContain('（尚未开通或已停用）。请联系关工委办公室');
  });
});
