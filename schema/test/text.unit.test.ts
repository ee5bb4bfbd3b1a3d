import { describe, expect, it } from 'vitest';
import {
  CreateCampaignInput,
  RegisterSchoolInput,
  ScheduleLectureInput,
  SubmitEntryInput,
  WithdrawEntryInput,
} from '../src/index.ts';
import { MultiLineText, Reason, SingleLineText } from '../src/primitives.ts';

const name = SingleLineText(100);
const comment = MultiLineText(2000);

describe('SingleLineText', () => {
  it.each([
    ['a Chinese school name', '太仓市实验小学', '太仓市实验小学'],
    ['a name with a middle dot and Latin letters', '阿卜杜拉·买买提 Li', '阿卜杜拉·买买提 Li'],
    ['a plain emoji with a variation selector', '青苗❤️', '青苗❤️'],
    ['surrounding spaces, ideographic ones too', '\u3000 沙溪镇 ', '沙溪镇'],
    ['a decomposed accent, composed (NFC)', 'Jose\u0301', 'José'],
  ])('keeps %s', (_case, text, kept) => {
    expect(name.parse(text)).toBe(kept);
  });

  it.each([
    ['zero-width spaces only', '\u200B\u200B'],
    ['a zero-width joiner (emoji sequences such as 👨‍👩‍👧 included)', '👨\u200D👩\u200D👧'],
    ['a right-to-left override', '实验\u202E学小'],
    ['a bidi isolate', 'a\u2066b\u2069'],
    ['a byte order mark inside', '实验\uFEFF小学'],
    ['a soft hyphen', 'Qing\u00ADmiao'],
    ['a line break', '第一行\n第二行'],
    ['a tab', '实验\t小学'],
    ['a NUL', 'a\u0000b'],
    ['a line separator', 'a\u2028b'],
    ['an unpaired surrogate', 'a\uD800b'],
  ])('refuses %s', (_case, text) => {
    expect(name.safeParse(text).error?.issues[0]?.message).toMatch(/control or format characters/);
  });

  it('calls blank blank', () => {
    expect(name.safeParse('  ').error?.issues[0]?.message).toBe('must not be blank');
  });
});

describe('MultiLineText and Reason', () => {
  it('keep line breaks, as \\n also when sent as \\r\\n', () => {
    expect(comment.parse('结构清晰。\r\n语言流畅。\n')).toBe('结构清晰。\n语言流畅。');
    expect(comment.parse('')).toBe('');
  });

  it.each([
    ['a lone carriage return', 'a\rb'],
    ['a tab', 'a\tb'],
    ['a bidi override', '\u202Egnp.exe'],
    ['zero-width spaces', '\u200B'],
  ])('refuse %s', (_case, text) => {
    expect(comment.safeParse(text).success).toBe(false);
  });

  it('refuses a blank reason', () => {
    expect(Reason.safeParse('\n \n').error?.issues[0]?.message).toBe('must not be blank');
  });
});

describe('command inputs', () => {
  const fieldOf = (result: { error?: { issues: { path: PropertyKey[] }[] } }) =>
    result.error?.issues[0]?.path.map(String).join('.');

  it('refuse invisible characters in every human-visible text, naming the field', () => {
    expect(fieldOf(RegisterSchoolInput.safeParse({ name: '\u200B', kind: 'PRIMARY', town: '镇' }))).toBe('name');
    expect(fieldOf(RegisterSchoolInput.safeParse({ name: '校', kind: 'PRIMARY', town: '\u202E镇' }))).toBe('town');
    const entry = {
      submissionId: 's',
      campaignId: 'c',
      schoolId: 's',
      title: '我的家乡',
      participants: [{ name: '小红', role: 'STUDENT' }],
    };
    expect(SubmitEntryInput.safeParse(entry).success).toBe(true);
    expect(fieldOf(SubmitEntryInput.safeParse({ ...entry, title: '\u202Etxt.exe' }))).toBe('title');
    expect(
      fieldOf(SubmitEntryInput.safeParse({ ...entry, participants: [{ name: '小\u200B红', role: 'STUDENT' }] })),
    ).toBe('participants.0.name');
    expect(fieldOf(SubmitEntryInput.safeParse({ ...entry, advisor: '\u200D' }))).toBe('advisor');
    expect(
      fieldOf(SubmitEntryInput.safeParse({ ...entry, performance: { genre: '合\u200B唱', durationMinutes: 5 } })),
    ).toBe('performance.genre');
    expect(fieldOf(WithdrawEntryInput.safeParse({ entryId: `c:${'0'.repeat(36)}`, reason: '\u200B' }))).toBe('reason');
    const campaign = {
      kind: 'ESSAY',
      title: '征文',
      year: 2026,
      opensAt: '2026-01-01T00:00:00Z',
      closesAt: '2026-12-31T00:00:00Z',
    };
    expect(fieldOf(CreateCampaignInput.safeParse({ ...campaign, theme: '\u2067主题' }))).toBe('theme');
    expect(
      fieldOf(CreateCampaignInput.safeParse({ ...campaign, rubric: [{ name: '\u200B', weight: 1, maxScore: 10 }] })),
    ).toBe('rubric.0.name');
  });

  it('refuse a client key an id cannot be derived from (an unpaired surrogate has no UTF-8), naming the field', () => {
    const entry = { campaignId: 'c', schoolId: 's', title: '我的家乡' };
    expect(fieldOf(SubmitEntryInput.safeParse({ ...entry, submissionId: 'a\uD800' }))).toBe('submissionId');
    expect(fieldOf(SubmitEntryInput.safeParse({ ...entry, submissionId: '\uDC00' }))).toBe('submissionId');
    expect(SubmitEntryInput.parse({ ...entry, submissionId: ' 提交-😀-1 ' }).submissionId).toBe('提交-😀-1');
    const lecture = {
      campaignId: 'c',
      lecturerId: 'l',
      schoolId: 's',
      topic: '党史',
      scheduledAt: '2026-03-01T09:00:00+08:00',
    };
    expect(fieldOf(ScheduleLectureInput.safeParse({ ...lecture, lectureId: '\uD83D' }))).toBe('lectureId');
    expect(ScheduleLectureInput.parse({ ...lecture, lectureId: 'week-1' }).lectureId).toBe('week-1');
  });
});
