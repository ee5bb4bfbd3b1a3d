import type { Attachment, EventOf, ReviseEntryInput } from '@qingmiao/schema';
import { describe, expect, it } from 'vitest';
import { type CampaignCommand, type CampaignEvent, campaignDecider } from '../src/campaigns/campaign.ts';
import { Conflict, Forbidden, NotFound } from '../src/errors.ts';
import type { AttachmentLookup } from '../src/uploads.ts';
import { uploadOwnerOf } from '../src/uploads.ts';
import { asXinhua, CAMPAIGN, created, entryId, opened, submission, submitted, XINHUA } from './campaign-fixtures.ts';
import { given, ORGANIZER, onField, schoolActor } from './given-when-then.ts';

const file = (n: number, mediaType: Attachment['mediaType'] = 'application/pdf', name = `我的作文-${n}.pdf`) => ({
  id: String(n).repeat(64).slice(0, 64),
  name,
  mediaType,
  size: 1000 * n,
});
const ESSAY = file(1);
const SCAN = file(2, 'image/jpeg', '手写稿.jpg');
const VIDEO = file(3, 'video/mp4', '合唱.mp4');

const found = (attachment: Attachment): AttachmentLookup => ({ found: attachment });
const BODY = '爷爷的勋章挂在墙上。\n它告诉我什么是担当。';

const submit = (
  overrides: Parameters<typeof submission>[0] = {},
  attachments: readonly AttachmentLookup[] = [],
): CampaignCommand => ({ type: 'SubmitEntry', input: submission(overrides), school: XINHUA, attachments });

const withWork = (
  event: CampaignEvent,
  work: Partial<Pick<EventOf<'EntrySubmitted'>['data'], 'body' | 'attachments' | 'performance'>>,
): CampaignEvent => ({ ...event, data: { ...event.data, ...work } }) as CampaignEvent;

const revise = (
  changes: Partial<Omit<ReviseEntryInput, 'entryId'>>,
  attachments: readonly AttachmentLookup[] = [],
): CampaignCommand => ({
  type: 'ReviseEntry',
  input: {
    entryId: entryId('sub-1'),
    title: undefined,
    participants: undefined,
    advisor: undefined,
    performance: undefined,
    body: undefined,
    attachmentIds: undefined,
    ...changes,
  },
  attachments,
});

const running = [created(), opened()];

describe('an entry with text and files', () => {
  it('records the text and the files as the registry describes them, in the order given', () => {
    given(campaignDecider, running)
      .when(submit({ body: BODY, attachmentIds: [SCAN.id, ESSAY.id] }, [found(SCAN), found(ESSAY)]), asXinhua)
      .then([withWork(submitted(), { body: BODY, attachments: [SCAN, ESSAY] })]);
  });

  it('records no text for an empty body', () => {
    given(campaignDecider, running)
      .when(submit({ body: '' }), asXinhua)
      .then([submitted()]);
  });

  it('refuses a file nobody uploaded with NOT_FOUND on its position', () => {
    const lookups: AttachmentLookup[] = [found(ESSAY), { missing: 'unknown' }];
    given(campaignDecider, running)
      .when(submit({ attachmentIds: [ESSAY.id, SCAN.id] }, lookups), asXinhua)
      .thenThrows(NotFound, onField('attachmentIds.1'));
  });

  it("refuses another school's upload with FORBIDDEN on its position", () => {
    given(campaignDecider, running)
      .when(submit({ attachmentIds: [ESSAY.id] }, [{ missing: 'foreign' }]), asXinhua)
      .thenThrows(Forbidden, onField('attachmentIds.0'));
  });

  it('gives the field on the error itself (extensions.field)', () => {
    const state = running.reduce(campaignDecider.evolve, campaignDecider.initialState);
    const context = { actor: schoolActor(XINHUA.id), now: '2022-06-01T00:00:00.000Z' };
    const refusal = (() => {
      try {
        campaignDecider.decide(submit({ attachmentIds: [ESSAY.id] }, [{ missing: 'foreign' }]), state, context);
      } catch (error) {
        return error;
      }
    })();
    expect(refusal).toBeInstanceOf(Forbidden);
    expect(refusal).toMatchObject({ field: 'attachmentIds.0', code: 'FORBIDDEN' });
    expect((refusal as Error).message).not.toContain(XINHUA.id);
  });
});

describe('resubmitting the same submissionId', () => {
  const earlier = [...running, withWork(submitted(), { body: BODY, attachments: [ESSAY, SCAN] })];

  it('is the same entry with the same text and files, even when the files are gone from the registry since', () => {
    const gone: AttachmentLookup[] = [{ missing: 'unknown' }, { missing: 'unknown' }];
    given(campaignDecider, earlier)
      .when(submit({ body: BODY, attachmentIds: [ESSAY.id, SCAN.id] }, gone), asXinhua)
      .then([]);
  });

  it('is the same entry when a file was uploaded again under another name: files are compared by content', () => {
    const renamed = { ...ESSAY, name: '改名.pdf' };
    given(campaignDecider, earlier)
      .when(submit({ body: BODY, attachmentIds: [ESSAY.id, SCAN.id] }, [found(renamed), found(SCAN)]), asXinhua)
      .then([]);
  });

  it('is a CONFLICT on attachmentIds with other files, or the same files in another order', () => {
    given(campaignDecider, earlier)
      .when(submit({ body: BODY, attachmentIds: [ESSAY.id] }, [found(ESSAY)]), asXinhua)
      .thenThrows(Conflict, 'already used');
    for (const ids of [[ESSAY.id], [SCAN.id, ESSAY.id], [ESSAY.id, SCAN.id, VIDEO.id]]) {
      const state = earlier.reduce(campaignDecider.evolve, campaignDecider.initialState);
      const lookups = ids.map((id) => found([ESSAY, SCAN, VIDEO].find((f) => f.id === id) ?? ESSAY));
      expect(() =>
        campaignDecider.decide(submit({ body: BODY, attachmentIds: ids }, lookups), state, {
          actor: schoolActor(XINHUA.id),
          now: '2022-06-01T00:00:00.000Z',
        }),
      ).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'attachmentIds' }));
    }
  });

  it('is a CONFLICT on body with other text', () => {
    const state = earlier.reduce(campaignDecider.evolve, campaignDecider.initialState);
    expect(() =>
      campaignDecider.decide(
        submit({ body: `${BODY}!`, attachmentIds: [ESSAY.id, SCAN.id] }, [found(ESSAY), found(SCAN)]),
        state,
        { actor: schoolActor(XINHUA.id), now: '2022-06-01T00:00:00.000Z' },
      ),
    ).toThrow(expect.objectContaining({ code: 'CONFLICT', field: 'body' }));
  });

  it('is the same entry for a submission recorded before text and files, retried without them', () => {
    given(campaignDecider, [...running, submitted()])
      .when(submit(), asXinhua)
      .then([]);
  });
});

describe('revising text and files', () => {
  const earlier = [...running, withWork(submitted(), { body: BODY, attachments: [ESSAY, SCAN] })];
  const revisedWith = (
    work: Partial<Pick<EventOf<'EntryRevised'>['data'], 'title' | 'body' | 'attachments'>>,
  ): CampaignEvent => {
    const { title, participants, advisor } = submission();
    return {
      type: 'EntryRevised',
      data: {
        campaignId: CAMPAIGN,
        entryId: entryId('sub-1'),
        schoolId: XINHUA.id,
        title,
        participants,
        advisor: advisor ?? null,
        performance: null,
        ...work,
      },
    };
  };

  it('replaces the list of files with the one given', () => {
    given(campaignDecider, earlier)
      .when(revise({ attachmentIds: [VIDEO.id, ESSAY.id] }, [found(VIDEO), found(ESSAY)]), asXinhua)
      .then([revisedWith({ body: BODY, attachments: [VIDEO, ESSAY] })]);
  });

  it('removes every file with an empty list, and the text with an empty body', () => {
    given(campaignDecider, earlier)
      .when(revise({ attachmentIds: [], body: '' }), asXinhua)
      .then([revisedWith({})]);
  });

  it('keeps text and files when the revision does not name them', () => {
    given(campaignDecider, earlier)
      .when(revise({ title: '新题目' }), asXinhua)
      .then([revisedWith({ title: '新题目', body: BODY, attachments: [ESSAY, SCAN] })]);
  });

  it("lets an organizer keep the school's files it carries while adding the office's own", () => {
    const lookups: AttachmentLookup[] = [{ missing: 'foreign' }, found(VIDEO)];
    given(campaignDecider, earlier)
      .when(revise({ attachmentIds: [ESSAY.id, VIDEO.id] }, lookups), { actor: ORGANIZER })
      .then([revisedWith({ body: BODY, attachments: [ESSAY, VIDEO] })]);
  });

  it("refuses another school's file the entry does not carry yet", () => {
    given(campaignDecider, earlier)
      .when(revise({ attachmentIds: [ESSAY.id, VIDEO.id] }, [found(ESSAY), { missing: 'foreign' }]), asXinhua)
      .thenThrows(Forbidden, onField('attachmentIds.1'));
  });

  it('appends nothing when the same files come back in the same order', () => {
    given(campaignDecider, earlier)
      .when(revise({ attachmentIds: [ESSAY.id, SCAN.id] }, [found(ESSAY), found(SCAN)]), asXinhua)
      .then([]);
  });
});

describe('a performance with a video', () => {
  const performing = [created({ kind: 'PERFORMANCE' }), opened()];
  const performance = { genre: '合唱', durationMinutes: 5, videoLink: 'https://video.example.cn/v/123' };

  it('records the link to the video', () => {
    given(campaignDecider, performing)
      .when(submit({ performance }), asXinhua)
      .then([submitted({ performance })]);
  });

  it('may carry the video as an mp4 file, or no video at all', () => {
    const plain = { genre: '合唱', durationMinutes: 5 };
    given(campaignDecider, performing)
      .when(submit({ performance: plain, attachmentIds: [VIDEO.id] }, [found(VIDEO)]), asXinhua)
      .then([withWork(submitted({ performance: plain }), { attachments: [VIDEO] })]);
    given(campaignDecider, performing)
      .when(submit({ performance: plain }), asXinhua)
      .then([submitted({ performance: plain })]);
  });
});

describe('whose uploads an actor attaches', () => {
  it('is the school for a school, the office for an organizer, nobody for judges and viewers', () => {
    expect(uploadOwnerOf(schoolActor(XINHUA.id))).toEqual({ schoolId: XINHUA.id });
    expect(uploadOwnerOf(ORGANIZER)).toEqual({ organizers: true });
    expect(uploadOwnerOf({ sub: 'judge-wang', role: 'judge' })).toBeUndefined();
  });
});
