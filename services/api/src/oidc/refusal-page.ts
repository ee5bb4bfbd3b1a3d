import { createHash } from 'node:crypto';
import type { Response } from 'express';

/** Why a single sign-on attempt ended without a session, as far as the person is told. */
export type Refusal =
  | 'no-account'
  | 'invalid-request'
  | 'provider-refused'
  | 'no-login'
  | 'provider-unavailable'
  | 'failure';

interface RefusalText {
  readonly status: number;
  readonly title: string;
  readonly message: string;
}

/** One page per reason; none echoes what the provider or the request said, and none tells logins apart. */
const REFUSALS: Readonly<Record<Refusal, RefusalText>> = {
  'no-account': {
    status: 403,
    title: '无法登录',
    message: '您的统一身份认证账号在青苗中没有可用的账号（尚未开通或已停用）。请联系关工委办公室开通或启用账号。',
  },
  'invalid-request': {
    status: 400,
    title: '登录请求无效或已过期',
    message: '这次登录没有完成：登录请求已过期、已被使用，或不是从本站发起的。请重新登录。',
  },
  'provider-refused': {
    status: 403,
    title: '统一身份认证未通过',
    message: '统一身份认证服务没有确认您的身份（也可能是登录被取消）。请重新登录。',
  },
  'no-login': {
    status: 403,
    title: '无法识别登录名',
    message: '统一身份认证服务没有提供您的登录名，无法对应到青苗账号。请联系关工委办公室。',
  },
  'provider-unavailable': {
    status: 502,
    title: '统一身份认证暂时不可用',
    message: '暂时无法连接统一身份认证服务，请稍后再试。',
  },
  failure: {
    status: 500,
    title: '登录没有完成',
    message: '服务器处理登录时出错，请稍后再试；如果一再出现，请联系关工委办公室。',
  },
};

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;line-height:1.6;color:#222}' +
  'h1{font-size:1.4rem}nav a{margin-right:1.5rem}';

/** No script at all, the one style element by its hash, no forms, no framing, no referrer (the URL held a code). */
const REFUSAL_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`,
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => ENTITIES[character] ?? character);
}

/** The page for a refusal, in Chinese. */
export function refusalPage(refusal: Refusal): string {
  const { title, message } = REFUSALS[refusal];
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · 青苗</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<nav><a href="/auth/oidc/start">重新登录</a><a href="/">返回首页</a></nav>
</main>
</body>
</html>
`;
}

/** Answers with the refusal page and its status; nothing about it may be cached or framed. */
export function sendRefusal(res: Response, refusal: Refusal): void {
  res
    .status(REFUSALS[refusal].status)
    .set({
      'Content-Security-Policy': REFUSAL_CSP,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    })
    .type('html')
    .send(refusalPage(refusal));
}
