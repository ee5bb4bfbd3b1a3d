// @vitest-environment node
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  ERROR_MESSAGES,
  errorMessage,
  FIELD_LABELS,
  fieldLabel,
  isNetworkError,
  messageFor,
  NETWORK_MESSAGE,
} from '../src/error-messages.ts';
import { ApiError, NetworkError } from '../src/session/api-request.ts';

const REPOSITORY = fileURLToPath(new URL('../../../', import.meta.url));

/** The TypeScript sources of the server's packages (the API, the domain, the projections), tests aside. */
function serverSources(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : walk(path);
      return /\.ts$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
    });
  return ['services/api/src', 'services/domain/src', 'projections/src'].flatMap((dir) => walk(join(REPOSITORY, dir)));
}

/**
 * Every `extensions.code` the server can send, read from its sources: refusal classes (`readonly code = 'X'`),
 * errors built in place (`code: 'X'`), and HTTP refusals (`refusalBody(req, 'X', …)`).
 */
function serverErrorCodes(): Set<string> {
  const codes = new Set<string>();
  const patterns = [/\bcode(?:: | = )'([A-Z][A-Z_]+)'/g, /refusalBody\(\w+, '([A-Z][A-Z_]+)'/g];
  for (const file of serverSources()) {
    const text = readFileSync(file, 'utf8');
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) codes.add(match[1] ?? '');
  }
  return codes;
}

/** The names of every input field and argument in the checked-in SDL. */
function schemaInputNames(): Set<string> {
  const sdl = readFileSync(join(REPOSITORY, 'schema/schema.graphql'), 'utf8').replace(/"""[\s\S]*?"""/g, '');
  const names = new Set<string>();
  for (const input of sdl.matchAll(/^input \w+ \{([\s\S]*?)^\}/gm)) {
    for (const field of (input[1] ?? '').matchAll(/^\s+(\w+)\s*:/gm)) names.add(field[1] ?? '');
  }
  for (const args of sdl.matchAll(/\(([^()]*)\)\s*:/g)) {
    for (const arg of (args[1] ?? '').matchAll(/(\w+)\s*:/g)) names.add(arg[1] ?? '');
  }
  return names;
}

describe('the Chinese error messages', () => {
  it('have a message for every code the server sends', () => {
    const codes = serverErrorCodes();
    // The reading itself works: the codes every client relies on are found.
    for (const known of ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'TOO_MANY_ATTEMPTS', 'BUSY']) {
      expect(codes).toContain(known);
    }
    const missing = [...codes].filter((code) => !(code in ERROR_MESSAGES));
    expect(missing).toEqual([]);
    for (const message of Object.values(ERROR_MESSAGES)) expect(message).toMatch(/[\u4e00-\u9fff]/);
  });

  it('have a Chinese label for every input field of the schema', () => {
    const missing = [...schemaInputNames()].filter((name) => !(name in FIELD_LABELS));
    expect(missing).toEqual([]);
  });

  it('name the field of bad input in Chinese, rows counted from one', () => {
    expect(fieldLabel('title')).toBe('作品标题');
    expect(fieldLabel('participants.1.name')).toBe('参赛人员第 2 项的姓名');
    expect(messageFor('BAD_USER_INPUT', 'participants.0.grade')).toBe(
      '“参赛人员第 1 项的年级”填写有误，请检查后再提交。',
    );
    expect(messageFor('BAD_USER_INPUT')).toBe(ERROR_MESSAGES.BAD_USER_INPUT);
  });

  it('read refusals, network failures and the unexpected', () => {
    const refused = new ApiError([{ message: 'x', extensions: { code: 'CAMPAIGN_NOT_OPEN' } }], 200);
    expect(errorMessage(refused)).toBe('该活动当前不在报名或提交期内。');
    const badInput = new ApiError([{ message: 'x', extensions: { code: 'BAD_USER_INPUT', field: 'login' } }], 200);
    expect(errorMessage(badInput)).toBe('“登录名”填写有误，请检查后再提交。');
    expect(errorMessage(new NetworkError('Failed to fetch'))).toBe(NETWORK_MESSAGE);
    expect(isNetworkError(new NetworkError('Failed to fetch'))).toBe(true);
    // urql's CombinedError carries the same in graphQLErrors and networkError.
    expect(errorMessage({ graphQLErrors: [{ extensions: { code: 'LIMIT_EXCEEDED' } }] })).toBe(
      ERROR_MESSAGES.LIMIT_EXCEEDED,
    );
    expect(errorMessage({ networkError: new Error('offline'), graphQLErrors: [] })).toBe(NETWORK_MESSAGE);
    expect(errorMessage(new ApiError([{ message: 'x', extensions: { code: 'SOMETHING_NEW' } }], 500))).toBe(
      '出现了意外错误，请稍后重试。',
    );
  });
});
