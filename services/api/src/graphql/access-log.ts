import { InvalidInput } from '@qingmiao/domain';
import { AccessAction, type AccessLogEntry } from '@qingmiao/schema';
import { builder } from './builder.ts';

/** The longest span one `accessLog` query may cover, and the most entries it returns. */
const MAX_SPAN_DAYS = 366;
const MAX_LIMIT = 1000;

const AccessActionEnum = builder.enumType('AccessAction', { values: AccessAction.options });

const AccessLogEntryType = builder.objectRef<AccessLogEntry>('AccessLogEntry').implement({
  description:
    "One access-log entry: sign-ins, failed sign-ins, sign-outs, refresh-token reuse, exports, reads of participants' names outside the reader's own school (one per request and entry), erasures. Kept QINGMIAO_ACCESS_LOG_DAYS (three years).",
  fields: (t) => ({
    at: t.expose('at', { type: 'DateTime' }),
    actor: t.exposeString('actor', {
      description:
        'Who: the token subject (account id), or for a failed sign-in the attempted login, lowercase; `*` on the entry counting failed sign-ins beyond the per-minute budget.',
    }),
    role: t.exposeString('role', { nullable: true, description: 'The role, when known.' }),
    action: t.expose('action', { type: AccessActionEnum }),
    subject: t.exposeString('subject', {
      nullable: true,
      description: 'What was acted on: the report path (EXPORT), the entry id (READ_PARTICIPANTS, ERASE).',
    }),
    address: t.exposeString('address', { nullable: true, description: 'The client address as the server saw it.' }),
    count: t.exposeInt('count', { description: 'Attempts this entry stands for: 1, except on a summary entry.' }),
  }),
});

builder.queryField('accessLog', (t) =>
  t.field({
    type: [AccessLogEntryType],
    description: `Access-log entries with from ≤ at < to (at most ${MAX_SPAN_DAYS} days), of one actor if given, newest first. Organizers only.`,
    authScopes: { organizer: true },
    args: {
      from: t.arg({ type: 'DateTime', required: true }),
      to: t.arg({ type: 'DateTime', required: true }),
      actor: t.arg.string(),
      limit: t.arg.int({ defaultValue: 100, required: true, description: `At most ${MAX_LIMIT}.` }),
    },
    resolve: (_root, args, { accessLog }) => {
      const from = new Date(args.from);
      const to = new Date(args.to);
      if (to < from) throw new InvalidInput('to', 'must not be before from');
      if (to.getTime() - from.getTime() > MAX_SPAN_DAYS * 86_400_000) {
        throw new InvalidInput('to', `must be at most ${MAX_SPAN_DAYS} days after from`);
      }
      if (args.limit < 1 || args.limit > MAX_LIMIT) {
        throw new InvalidInput('limit', `must be between 1 and ${MAX_LIMIT}`);
      }
      return accessLog.list({ from, to, actor: args.actor ?? undefined, limit: args.limit });
    },
  }),
);
