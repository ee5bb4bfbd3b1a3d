import { parseInput } from '@qingmiao/domain';
import { EraseEntryPersonalDataInput, EraseParticipantInput, ExpirePersonalDataInput } from '@qingmiao/schema';
import type { z } from 'zod';
import type { Erasure } from '../personal-data-erasure.ts';
import type { YearRetention } from '../retention.ts';
import { builder, inputOf } from './builder.ts';
import { type Context, commandMeta } from './context.ts';

const ErasureType = builder.objectRef<Erasure>('PersonalDataErasure').implement({
  description: 'An erasure of personal data, done: every copy the server holds has dropped it.',
  fields: (t) => ({
    subject: t.exposeString('subject', {
      description: "The data subject erased: a participant's pseudonymous id, or an entry id. Never a name.",
    }),
    keysDestroyed: t.exposeInt('keysDestroyed', {
      description: 'Data keys destroyed by this request (0 when an earlier erasure had destroyed them all).',
    }),
  }),
});

const RetentionType = builder.objectRef<YearRetention>('PersonalDataRetention').implement({
  description: "A campaign year's personal data (participants, advisors, texts, file names) and when it expires.",
  fields: (t) => ({
    year: t.exposeInt('year'),
    entries: t.exposeInt('entries', { description: "Entries of the year's campaigns, live and withdrawn." }),
    dueAt: t.field({
      type: 'DateTime',
      description:
        'When its keys are destroyed: the start of the year after QINGMIAO_PII_RETENTION_YEARS, Shanghai time.',
      resolve: (row) => row.dueAt.toISOString(),
    }),
    expired: t.boolean({ resolve: (row) => row.expiredAt !== undefined }),
    expiredAt: t.field({
      type: 'DateTime',
      nullable: true,
      resolve: (row) => row.expiredAt?.toISOString() ?? null,
    }),
  }),
});

const EraseParticipantInputType = inputOf<z.input<typeof EraseParticipantInput>>('EraseParticipantInput', {
  description: 'A guardian asks for deletion of a child the school knows by its own key (e.g. student number).',
  fields: (t) => ({
    schoolId: t.id({ required: true }),
    key: t.string({ required: true, description: "The school's key for the child, as given in its entries." }),
    reason: t.string({
      required: true,
      description: 'Kept in the log: say why (guardian request, case number), never who.',
    }),
  }),
});

const EraseEntryInputType = inputOf<z.input<typeof EraseEntryPersonalDataInput>>('EraseEntryPersonalDataInput', {
  fields: (t) => ({
    entryId: t.id({ required: true }),
    reason: t.string({ required: true, description: 'Kept in the log: say why, never who.' }),
  }),
});

/** Records the erasure in the access log: who erased what (a pseudonymous id or an entry id, never a name). */
function logged(context: Context, erasure: Erasure): Erasure {
  context.accessLog.record({
    actor: context.actor.sub,
    role: context.actor.role,
    action: 'ERASE',
    subject: erasure.subject,
    address: context.http.address,
  });
  return erasure;
}

builder.mutationFields((t) => ({
  eraseParticipant: t.field({
    type: ErasureType,
    description:
      'Erases every personal datum of a child (name, grade, key) in every entry and year by destroying its keys; the child reads 已删除 everywhere and still counts. Idempotent. Answers once every read model and cache dropped the data. Organizers only.',
    authScopes: { organizer: true },
    args: { input: t.arg({ type: EraseParticipantInputType, required: true }) },
    resolve: async (_root, args, context) => {
      const input = parseInput(EraseParticipantInput, args.input);
      return logged(context, await context.eraser.eraseParticipant(input, commandMeta(context)));
    },
  }),
  eraseEntryPersonalData: t.field({
    type: ErasureType,
    description:
      'Erases the personal data one entry carries: its participants (已删除), advisor, text and file names, and deletes its files (bytes another entry also carries stay until that entry is erased too). The entry, awards and figures stay. Idempotent. Answers once every read model and cache dropped the data and the files are deleted; when file storage is unreachable the erasure is recorded and answers STORAGE_UNAVAILABLE: a retry (or the hourly run) deletes the files. Organizers only.',
    authScopes: { organizer: true },
    args: { input: t.arg({ type: EraseEntryInputType, required: true }) },
    resolve: async (_root, args, context) => {
      const input = parseInput(EraseEntryPersonalDataInput, args.input);
      return logged(context, await context.eraser.eraseEntry(input, commandMeta(context)));
    },
  }),
}));

const ExpireInputType = inputOf<z.input<typeof ExpirePersonalDataInput>>('ExpirePersonalDataInput', {
  fields: (t) => ({ year: t.int({ required: true }) }),
});

builder.mutationField('expirePersonalData', (t) =>
  t.field({
    type: ErasureType,
    description:
      "Expires a campaign year's personal data now that it is due (CONFLICT before), rather than at the retention job's next hourly run, and deletes its entries' files as eraseEntryPersonalData does. Idempotent. Organizers only.",
    authScopes: { organizer: true },
    args: { input: t.arg({ type: ExpireInputType, required: true }) },
    resolve: async (_root, args, context) => {
      const { year } = parseInput(ExpirePersonalDataInput, args.input);
      return logged(context, await context.eraser.expireYear(year, commandMeta(context)));
    },
  }),
);

builder.queryField('personalDataRetention', (t) =>
  t.field({
    type: [RetentionType],
    description:
      "Every campaign year's personal data: how many entries carry it, when it is due to expire (QINGMIAO_PII_RETENTION_YEARS after the year) and whether it has. Organizers only.",
    authScopes: { organizer: true },
    resolve: (_root, _args, { retention }) => retention.years(),
  }),
);
