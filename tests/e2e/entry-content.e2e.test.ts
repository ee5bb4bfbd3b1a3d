import { createHash } from 'node:crypto';
import { FileLinks, UploadRegistry, uploadRegistryFile } from '@qingmiao/api';
import type { Attachment } from '@qingmiao/schema';
import { graphql } from '@qingmiao/schema/graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, dataOf, type GraphQLResult, postUpload } from '../support/graphql-http.ts';
import { SECRET, startTestServer, type TestServer } from '../support/in-process-server.ts';
import { sampleDocx, samplePdf } from '../support/sample-files.ts';
import { entryInput, Organizer, type SubmitEntryInput, submit, uid } from './qingmiao-client.ts';

/**
 * What an entry carries, over real HTTP against the server started in this process: its text, its files (uploads
 * of the same school or office, looked up in the server's upload registry), retries and revisions, links to the
 * files signed for each reader, performance video links, and blind judging on every path a judge reads.
 */
let server: TestServer;
let organizer: Organizer;
let uploads: UploadRegistry;

beforeAll(async () => {
  server = await startTestServer();
  organizer = new Organizer(server, await server.token('organizer', { sub: 'guangongwei-office' }));
  // The server's own registry file: what uploadFile records, recorded here directly.
  uploads = new UploadRegistry(uploadRegistryFile(server.dataDir));
});

afterAll(async () => {
  uploads?.close();
  await server?.stop();
});

const SCHOOL_NAME = '太仓市实验小学';
const ADVISOR = '周建华老师';
const PUPIL = '李思远';

/** A file a school (or the office) uploaded: recorded in the registry under its SHA-256. */
function uploaded(
  owner: { schoolId: string } | { organizers: true },
  name: string,
  mediaType: Attachment['mediaType'],
) {
  const bytes = `${name} ${uid('bytes')}`;
  const attachment: Attachment = {
    id: createHash('sha256').update(bytes).digest('hex'),
    name,
    mediaType,
    size: Buffer.byteLength(bytes),
  };
  uploads.record(owner, attachment);
  return attachment;
}

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** Everything an entry says of itself, as a judge would ask for it. */
const ENTRY_VIEW = graphql(`
  fragment EntryView on Entry @_unmask {
    id submissionId campaignId schoolId title advisor body status withdrawReason
    performance { genre durationMinutes videoLink }
    attachments { id name mediaType size url previewUrl }
  }
`);

const SUBMIT_FULL = graphql(`mutation SubmitFull($input: SubmitEntryInput!) {
  submitEntry(input: $input) {
    id submissionId schoolId title advisor body
    attachments { id name mediaType size url previewUrl }
    performance { genre durationMinutes videoLink }
  }
}`);
const REVISE = graphql(`mutation Revise($input: ReviseEntryInput!) {
  reviseEntry(input: $input) { id body attachments { id name } }
}`);
const ENTRY = graphql(`query EntryContent($id: ID!) {
  entry(id: $id) { id body attachments { id name mediaType size url previewUrl } }
}`);
const HISTORY = graphql(`query ContentHistory($id: ID!) {
  entryHistory(entryId: $id) { type actor data attachmentsAdded attachmentsRemoved }
}`);

/** A school registered under a recognisable name, with a token acting for it. */
async function namedSchool(name = SCHOOL_NAME) {
  const { id } = await organizer.registerSchool({ id: uid('shiyan'), name });
  return { id, token: await server.token('school', { sub: `contact-${id}`, schoolId: id }) };
}

const fieldOf = (result: GraphQLResult<unknown>) => result.errors?.[0]?.extensions?.field;

describe('the text of an entry', () => {
  let school: { id: string; token: string };
  let campaignId: string;
  const submitWith = (overrides: Partial<SubmitEntryInput>) =>
    server.graphql(SUBMIT_FULL, { input: entryInput(campaignId, school.id, overrides) }, school.token);

  beforeAll(async () => {
    school = await namedSchool();
    campaignId = await organizer.openedCampaign({ maxEntriesPerSchool: 50 });
  });

  it('keeps the essay typed into the entry, NFC-normalised, with Windows line ends as \\n', async () => {
    const body = '爷爷的勋章挂在墙上。\r\n他说：“Café 是我退休后开的。”';
    const entry = dataOf(await submitWith({ body: body.replace('é', 'e\u0301') })).submitEntry;
    expect(entry.body).toBe('爷爷的勋章挂在墙上。\n他说：“Café 是我退休后开的。”');
    expect(dataOf(await server.graphql(ENTRY, { id: entry.id }, school.token)).entry?.body).toBe(entry.body);
  });

  it('takes 20,000 characters and refuses one more, naming body', async () => {
    const longest = '字'.repeat(20_000);
    expect(dataOf(await submitWith({ body: longest })).submitEntry.body).toHaveLength(20_000);
    const refused = await submitWith({ body: `${longest}字` });
    expect(codeOf(refused)).toBe('BAD_USER_INPUT');
    expect(fieldOf(refused)).toBe('body');
  });

  it('refuses control and format characters other than line breaks, naming body', async () => {
    for (const hidden of ['\u0007', '\u200b', '\u202e', '\u0000']) {
      const refused = await submitWith({ body: `正文${hidden}正文` });
      expect(codeOf(refused), JSON.stringify(hidden)).toBe('BAD_USER_INPUT');
      expect(fieldOf(refused)).toBe('body');
    }
  });

  it('is null without text', async () => {
    expect(dataOf(await submitWith({})).submitEntry.body).toBeNull();
  });
});

describe('the files of an entry', () => {
  let school: { id: string; token: string; sub: string };
  let other: { id: string; token: string };
  let campaignId: string;
  let essay: Attachment;
  let scan: Attachment;
  let draft: Attachment;
  let foreign: Attachment;
  const links = new FileLinks(new TextEncoder().encode(SECRET));

  beforeAll(async () => {
    const named = await namedSchool();
    school = { ...named, sub: `contact-${named.id}` };
    other = await namedSchool('太仓市第二中学');
    campaignId = await organizer.openedCampaign({ maxEntriesPerSchool: 50 });
    essay = uploaded({ schoolId: school.id }, '实验小学-李思远-征文.pdf', PDF);
    scan = uploaded({ schoolId: school.id }, '手写稿.jpg', 'image/jpeg');
    draft = uploaded({ schoolId: school.id }, '初稿.docx', DOCX);
    foreign = uploaded({ schoolId: other.id }, '二中作文.pdf', PDF);
  });

  const submitWith = (overrides: Partial<SubmitEntryInput>, token = school.token) =>
    server.graphql(SUBMIT_FULL, { input: entryInput(campaignId, school.id, overrides) }, token);

  it('carries uploads of its school, each with a download link signed for the reader and the entry', async () => {
    const entry = dataOf(await submitWith({ attachmentIds: [essay.id, scan.id, draft.id] })).submitEntry;
    expect(entry.attachments.map(({ id, name, mediaType, size }) => ({ id, name, mediaType, size }))).toEqual([
      essay,
      scan,
      draft,
    ]);
    for (const attachment of entry.attachments) {
      const url = new URL(attachment.url, server.url);
      expect(url.pathname).toBe(`/files/${attachment.id}`);
      expect(links.check(attachment.id, url.searchParams)).toMatchObject({
        fileId: attachment.id,
        entryId: entry.id,
        reader: school.sub,
        inline: false,
      });
    }
    // Previews for what a browser shows by itself (PDF, images); a DOCX is downloaded.
    const [pdf, jpeg, docx] = entry.attachments;
    expect(links.check(essay.id, new URL(pdf?.previewUrl ?? '', server.url).searchParams)).toMatchObject({
      inline: true,
      reader: school.sub,
    });
    expect(jpeg?.previewUrl).toMatch(/^\/files\//);
    expect(docx?.previewUrl).toBeNull();

    // Another reader gets links of their own, and a link is refused for another file.
    const read = dataOf(await server.graphql(ENTRY, { id: entry.id }, organizer.token)).entry;
    const link = new URL(read?.attachments[0]?.url ?? '', server.url).searchParams;
    expect(links.check(essay.id, link)).toMatchObject({ reader: 'guangongwei-office', entryId: entry.id });
    expect(links.check(scan.id, link)).toBe('tampered');
  });

  it("refuses another school's upload with FORBIDDEN on attachmentIds.N, without naming that school", async () => {
    const refused = await submitWith({ attachmentIds: [essay.id, foreign.id] });
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(fieldOf(refused)).toBe('attachmentIds.1');
    expect(JSON.stringify(refused)).not.toContain(other.id);
    expect(JSON.stringify(refused)).not.toContain('二中');
  });

  it('refuses an id nobody uploaded with NOT_FOUND on attachmentIds.N', async () => {
    const refused = await submitWith({ attachmentIds: [essay.id, scan.id, 'f'.repeat(64)] });
    expect(codeOf(refused)).toBe('NOT_FOUND');
    expect(fieldOf(refused)).toBe('attachmentIds.2');
  });

  it('refuses more than 10 files, a file listed twice and an id that is no file id, naming the field', async () => {
    const many = Array.from({ length: 11 }, (_, n) => uploaded({ schoolId: school.id }, `第${n}页.png`, 'image/png'));
    const cases: [string[], string][] = [
      [many.map((file) => file.id), 'attachmentIds'],
      [[essay.id, scan.id, essay.id], 'attachmentIds.2'],
      [['../../etc/passwd'], 'attachmentIds.0'],
    ];
    for (const [attachmentIds, field] of cases) {
      const refused = await submitWith({ attachmentIds });
      expect(codeOf(refused)).toBe('BAD_USER_INPUT');
      expect(fieldOf(refused)).toBe(field);
    }
  });

  it('lets an organizer attach the office’s uploads to a school’s entry, but not the school’s own', async () => {
    const circular = uploaded({ organizers: true }, '评审说明.pdf', PDF);
    const entry = dataOf(await submitWith({ attachmentIds: [circular.id] }, organizer.token)).submitEntry;
    expect(entry.attachments.map((a) => a.name)).toEqual(['评审说明.pdf']);
    const refused = await submitWith({ attachmentIds: [essay.id] }, organizer.token);
    expect(codeOf(refused)).toBe('FORBIDDEN');
    expect(fieldOf(refused)).toBe('attachmentIds.0');
  });

  it('is the same entry when resubmitted with the same text and files, a CONFLICT on attachmentIds with others', async () => {
    const input = entryInput(campaignId, school.id, { body: '正文', attachmentIds: [essay.id, scan.id] });
    const first = dataOf(await server.graphql(SUBMIT_FULL, { input }, school.token)).submitEntry;
    const again = dataOf(await server.graphql(SUBMIT_FULL, { input }, school.token)).submitEntry;
    expect(again).toEqual({ ...first, attachments: again.attachments });
    expect(again.attachments.map((a) => a.id)).toEqual([essay.id, scan.id]);
    expect(dataOf(await server.graphql(HISTORY, { id: first.id }, school.token)).entryHistory).toHaveLength(1);

    for (const attachmentIds of [[essay.id], [scan.id, essay.id], [essay.id, scan.id, draft.id], []]) {
      const refused = await server.graphql(SUBMIT_FULL, { input: { ...input, attachmentIds } }, school.token);
      expect(codeOf(refused)).toBe('CONFLICT');
      expect(fieldOf(refused)).toBe('attachmentIds');
    }
    const otherText = await server.graphql(SUBMIT_FULL, { input: { ...input, body: '另一篇' } }, school.token);
    expect(codeOf(otherText)).toBe('CONFLICT');
    expect(fieldOf(otherText)).toBe('body');
  });

  it('replaces the list on revision, and the history says which files came and went', async () => {
    const entry = dataOf(await submitWith({ attachmentIds: [essay.id, scan.id] })).submitEntry;
    const revise = (attachmentIds: string[]) =>
      server.graphql(REVISE, { input: { entryId: entry.id, attachmentIds } }, school.token);
    expect(dataOf(await revise([draft.id, essay.id])).reviseEntry.attachments).toEqual([
      { id: draft.id, name: draft.name },
      { id: essay.id, name: essay.name },
    ]);
    // Revising with the same list changes nothing; a title alone keeps the files.
    dataOf(await revise([draft.id, essay.id]));
    const retitled = await server.graphql(REVISE, { input: { entryId: entry.id, title: '新题目' } }, school.token);
    expect(dataOf(retitled).reviseEntry.attachments.map((a) => a.id)).toEqual([draft.id, essay.id]);
    expect(dataOf(await revise([])).reviseEntry.attachments).toEqual([]);

    const history = dataOf(await server.graphql(HISTORY, { id: entry.id }, school.token)).entryHistory;
    expect(
      history.map(({ type, attachmentsAdded, attachmentsRemoved }) => [type, attachmentsAdded, attachmentsRemoved]),
    ).toEqual([
      ['EntrySubmitted', [essay.name, scan.name], []],
      ['EntryRevised', [draft.name], [scan.name]],
      ['EntryRevised', [], []],
      ['EntryRevised', [], [draft.name, essay.name]],
    ]);
    const foreignRevision = await revise([foreign.id]);
    expect(codeOf(foreignRevision)).toBe('FORBIDDEN');
    expect(fieldOf(foreignRevision)).toBe('attachmentIds.0');
  });
});

const UPLOAD = graphql(`mutation UploadFile($file: File!) { uploadFile(file: $file) { id name mediaType size } }`);

describe('from upload to download', () => {
  it('uploads a PDF and a DOCX, submits them with the text, and downloads the same bytes by signed link', async () => {
    const school = await namedSchool();
    const campaignId = await organizer.openedCampaign();
    const pdf = samplePdf('Grandfather medal');
    const docx = await sampleDocx('爷爷的勋章');
    const upload = async (name: string, bytes: Buffer) =>
      dataOf(await postUpload(server.url, school.token, UPLOAD, { name, bytes })).uploadFile;
    const files = [await upload('实验小学-征文.pdf', pdf), await upload('实验小学-征文.docx', docx)];
    const input = entryInput(campaignId, school.id, {
      body: '爷爷的勋章',
      attachmentIds: files.map((file) => file.id),
    });
    const entry = dataOf(await server.graphql(SUBMIT_FULL, { input }, school.token)).submitEntry;
    expect(entry.attachments.map(({ id, name, mediaType, size }) => ({ id, name, mediaType, size }))).toEqual(files);

    const [pdfLink, docxLink] = entry.attachments;
    const download = (path: string, init?: RequestInit) => fetch(new URL(path, server.url), init);
    const got = await download(pdfLink?.url ?? '');
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(pdf)).toBe(true);
    expect(got.headers.get('content-disposition')).toContain('attachment');
    expect(decodeURIComponent(got.headers.get('content-disposition') ?? '')).toContain('实验小学-征文.pdf');
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await download(pdfLink?.previewUrl ?? '')).headers.get('content-disposition')).toMatch(/^inline/);
    const word = await download(docxLink?.url ?? '');
    expect(Buffer.from(await word.arrayBuffer()).equals(docx)).toBe(true);

    // A link names one file of one entry for one reader: another file, a changed signature or a past expiry fail.
    const swapped = (pdfLink?.url ?? '').replace(pdfLink?.id ?? '', docxLink?.id ?? '');
    expect((await download(swapped)).status).toBe(403);
    expect((await download((pdfLink?.url ?? '').replace(/sig=.{4}/, 'sig=AAAA'))).status).toBe(403);
    const links = new FileLinks(new TextEncoder().encode(SECRET));
    const stale = links.urlFor(
      { fileId: pdfLink?.id ?? '', entryId: entry.id, reader: `contact-${school.id}`, inline: false },
      Date.now() - 11 * 60_000,
    );
    expect((await download(stale)).status).toBe(403);

    // A judge of the campaign (judged blind) downloads the same bytes under the neutral name.
    const judge = await server.token('judge', { sub: 'judge-download' });
    const assigned = await server.graphql(
      `mutation($i: AssignJudgeInput!) { assignJudge(input: $i) { id } }`,
      { i: { campaignId, judge: 'judge-download' } },
      organizer.token,
    );
    expect(codeOf(assigned)).toBe('OK');
    const judged = dataOf(await server.graphql(ENTRY, { id: entry.id }, judge)).entry;
    const blind = await download(judged?.attachments[0]?.url ?? '');
    expect(Buffer.from(await blind.arrayBuffer()).equals(pdf)).toBe(true);
    const disposition = decodeURIComponent(blind.headers.get('content-disposition') ?? '');
    expect(disposition).toContain('作品-1.pdf');
    expect(disposition).not.toContain('实验小学');
  });
});

describe('performances', () => {
  let school: { id: string; token: string };
  let campaignId: string;
  const performance = { genre: '合唱', durationMinutes: 6 };
  const submitWith = (overrides: Partial<SubmitEntryInput>) =>
    server.graphql(SUBMIT_FULL, { input: entryInput(campaignId, school.id, overrides) }, school.token);

  beforeAll(async () => {
    school = await namedSchool();
    campaignId = await organizer.openedCampaign({ kind: 'PERFORMANCE', maxEntriesPerSchool: 50 });
  });

  it('may carry a link to the video, an mp4 file, or neither', async () => {
    const videoLink = 'https://v.example.cn/watch?id=20220601&t=30';
    const linked = dataOf(await submitWith({ performance: { ...performance, videoLink } })).submitEntry;
    expect(linked.performance).toEqual({ ...performance, videoLink });
    const video = uploaded({ schoolId: school.id }, '合唱.mp4', 'video/mp4');
    const filed = dataOf(await submitWith({ performance, attachmentIds: [video.id] })).submitEntry;
    expect(filed.performance?.videoLink).toBeNull();
    expect(filed.attachments[0]).toMatchObject({ name: '合唱.mp4', mediaType: 'video/mp4' });
    expect(filed.attachments[0]?.previewUrl).toMatch(/inline=1/);
    expect(dataOf(await submitWith({ performance })).submitEntry.performance?.videoLink).toBeNull();
  });

  it('refuses links that are not plain http(s) addresses, naming performance.videoLink', async () => {
    for (const videoLink of [
      'javascript:alert(document.cookie)',
      'data:text/html,<script>alert(1)</script>',
      'https://user:secret@v.example.cn/watch',
      'https://token@v.example.cn/watch',
      'ftp://v.example.cn/video.mp4',
      'file:///etc/passwd',
      'v.example.cn/watch',
      'https://v.example.cn/watch?q=a b',
      `https://v.example.cn/${'a'.repeat(500)}`,
    ]) {
      const refused = await submitWith({ performance: { ...performance, videoLink } });
      expect(codeOf(refused), videoLink).toBe('BAD_USER_INPUT');
      expect(fieldOf(refused), videoLink).toBe('performance.videoLink');
    }
  });
});

const SCORE = graphql(`mutation Score($i: ScoreEntryInput!) { scoreEntry(input: $i) { ...EntryView } }`, [ENTRY_VIEW]);
const RECUSE = graphql(`mutation Recuse($i: RecuseFromEntryInput!) { recuseFromEntry(input: $i) { ...EntryView } }`, [
  ENTRY_VIEW,
]);
const JUDGE_LIST = graphql(
  `query JudgeList($id: ID!) {
    campaign(id: $id) { blindJudging entries { ...EntryView scores { judge comment } } }
  }`,
  [ENTRY_VIEW],
);
const JUDGE_ENTRY = graphql(`query JudgeEntry($id: ID!) { entry(id: $id) { ...EntryView } }`, [ENTRY_VIEW]);
const JUDGE_HISTORY = graphql(`query JudgeHistory($id: ID!) {
  entryHistory(entryId: $id) { type actor role data attachmentsAdded attachmentsRemoved }
}`);
const PARTICIPANTS = graphql(`query Participants($id: ID!) { entry(id: $id) { participants { name key } } }`);
const EVERYTHING = graphql(`query Everything($id: ID!) { entry(id: $id) { ...EntryView participants { name key } } }`, [
  ENTRY_VIEW,
]);

describe('blind judging', () => {
  const JUDGE_SUB = 'judge-chen';
  let judge: string;
  let school: { id: string; token: string };
  let files: Attachment[];

  /** A campaign with one entry of 太仓市实验小学 naming its advisor, a pupil and its files, judged by judge-chen. */
  async function judgedEntry(blindJudging?: boolean) {
    const campaignId = await organizer.openedCampaign(blindJudging === undefined ? {} : { blindJudging });
    const input = entryInput(campaignId, school.id, {
      submissionId: `${school.id}-essay-1`,
      advisor: ADVISOR,
      participants: [{ name: PUPIL, role: 'STUDENT', grade: '五年级', key: '20170123' }],
      body: '我的爷爷是一名老兵。',
      attachmentIds: files.map((file) => file.id),
    });
    const entryId = dataOf(await submit(server, school.token, input)).submitEntry.id;
    const assigned = await server.graphql(
      `mutation($i: AssignJudgeInput!) { assignJudge(input: $i) { id } }`,
      { i: { campaignId, judge: JUDGE_SUB } },
      organizer.token,
    );
    expect(codeOf(assigned)).toBe('OK');
    await organizer.closeCampaign(campaignId);
    const scored = await server.graphql(SCORE, { i: { entryId, score: 88, comment: '立意深刻' } }, judge);
    return { campaignId, entryId, scored };
  }

  /** Every read a judge has of the entry, and what the judge may try on it. */
  async function judgeReads(campaignId: string, entryId: string) {
    return {
      listed: await server.graphql(JUDGE_LIST, { id: campaignId }, judge),
      single: await server.graphql(JUDGE_ENTRY, { id: entryId }, judge),
      history: await server.graphql(JUDGE_HISTORY, { id: entryId }, judge),
      participants: await server.graphql(PARTICIPANTS, { id: entryId }, judge),
      revised: await server.graphql(REVISE, { input: { entryId, title: '改题' } }, judge),
      recused: await server.graphql(RECUSE, { i: { entryId, reason: '回避' } }, judge),
    };
  }

  const REVEALING = () => [school.id, SCHOOL_NAME, '实验小学', ADVISOR, PUPIL, '20170123', ...files.map((f) => f.name)];

  beforeAll(async () => {
    judge = await server.token('judge', { sub: JUDGE_SUB });
    school = await namedSchool();
    files = [
      uploaded({ schoolId: school.id }, '实验小学-李思远.pdf', PDF),
      uploaded({ schoolId: school.id }, '周建华老师指导稿.docx', DOCX),
      uploaded({ schoolId: school.id }, 'IMG_20220601.jpg', 'image/jpeg'),
    ];
  });

  it('is on by default, and a judge then finds no school, advisor, participant or file name anywhere', async () => {
    const { campaignId, entryId, scored } = await judgedEntry();
    const reads = await judgeReads(campaignId, entryId);
    const answers = JSON.stringify([scored, reads]);
    for (const secret of REVEALING()) expect(answers).not.toContain(secret);

    expect(dataOf(reads.listed).campaign?.blindJudging).toBe(true);
    const entry = dataOf(reads.single).entry;
    expect(entry).toMatchObject({ id: entryId, schoolId: null, submissionId: null, advisor: null });
    expect(entry?.body).toBe('我的爷爷是一名老兵。');
    expect(entry?.attachments.map((a) => a.name)).toEqual(['作品-1.pdf', '作品-2.docx', '作品-3.jpg']);
    const listed = dataOf(reads.listed).campaign?.entries ?? [];
    expect(
      listed.map(({ id, schoolId, advisor, attachments }) => ({
        id,
        schoolId,
        advisor,
        files: attachments.map((a) => a.name),
      })),
    ).toEqual([{ id: entryId, schoolId: null, advisor: null, files: ['作品-1.pdf', '作品-2.docx', '作品-3.jpg'] }]);
    expect(dataOf(scored).scoreEntry).toMatchObject({ schoolId: null, advisor: null });
    expect(dataOf(reads.recused).recuseFromEntry).toMatchObject({ schoolId: null, advisor: null });
    // History: only the judge's own acts, which name neither school nor people.
    expect(dataOf(reads.history).entryHistory.map((e) => e.type)).toEqual(['EntryScored']);
    expect(codeOf(reads.participants)).toBe('FORBIDDEN');
    expect(codeOf(reads.revised)).toBe('FORBIDDEN');
  });

  it('shows the organizer and the school everything of the same entry', async () => {
    const { entryId } = await judgedEntry();
    for (const token of [organizer.token, school.token]) {
      const entry = dataOf(await server.graphql(EVERYTHING, { id: entryId }, token)).entry;
      expect(entry).toMatchObject({ schoolId: school.id, advisor: ADVISOR, participants: [{ name: PUPIL }] });
      expect(entry?.attachments.map((a) => a.name)).toEqual(files.map((file) => file.name));
    }
  });

  it('off (blindJudging: false), shows judges the school, advisor and file names, never participants', async () => {
    const { campaignId, entryId } = await judgedEntry(false);
    const reads = await judgeReads(campaignId, entryId);
    expect(dataOf(reads.listed).campaign?.blindJudging).toBe(false);
    const entry = dataOf(reads.single).entry;
    expect(entry).toMatchObject({ schoolId: school.id, submissionId: `${school.id}-essay-1`, advisor: ADVISOR });
    expect(entry?.attachments.map((a) => a.name)).toEqual(files.map((file) => file.name));
    // Children's names stay with organizers and their school (the file names are the school's own choice).
    expect(codeOf(reads.participants)).toBe('FORBIDDEN');
    expect(reads.participants.data?.entry?.participants).toBeNull();
    expect(JSON.stringify(reads)).not.toContain('20170123');
  });
});
