import { Repeater } from 'graphql-yoga';
import { builder } from './builder.ts';

interface ParticipationChange {
  readonly campaignId: string | null;
  readonly position: string;
  readonly at: string;
}

const ParticipationChangeType = builder.objectRef<ParticipationChange>('ParticipationChange').implement({
  description: 'Participation figures changed: fetch them again.',
  fields: (t) => ({
    campaignId: t.exposeID('campaignId', {
      nullable: true,
      description: 'The campaign whose figures moved; null when a change concerns every campaign (e.g. enrollment).',
    }),
    position: t.exposeString('position', { description: 'Log position the read models have reached.' }),
    at: t.field({ type: 'DateTime', resolve: (change) => change.at }),
  }),
});

/** At most one notice per subscriber in this window: a burst of submissions becomes one refresh. */
const COALESCE_MS = 250;

builder.subscriptionType({});

builder.subscriptionField('participationChanged', (t) =>
  t.field({
    type: ParticipationChangeType,
    description: 'Fires when the projections advance past events that change participation figures (over SSE).',
    args: { campaignId: t.arg.id({ description: 'Only this campaign (and changes concerning every campaign).' }) },
    subscribe: (_root, args, { readSide, draining }) =>
      new Repeater<ParticipationChange>(async (push, stop) => {
        const wanted = args.campaignId ? String(args.campaignId) : undefined;
        let pending: ParticipationChange | undefined;
        let timer: NodeJS.Timeout | undefined;
        const unsubscribe = readSide.onAdvance((campaigns, position) => {
          const hit = [...campaigns].find((id) => id === null || wanted === undefined || id === wanted);
          if (hit === undefined) return;
          pending = { campaignId: hit, position: String(position.commit), at: new Date().toISOString() };
          timer ??= setTimeout(() => {
            timer = undefined;
            if (pending) void push(pending);
            pending = undefined;
          }, COALESCE_MS);
        });
        // A stopping server ends the stream (`complete`) rather than cutting it: the client reconnects later.
        const end = () => stop();
        if (draining.aborted) end();
        else draining.addEventListener('abort', end, { once: true });
        await stop;
        draining.removeEventListener('abort', end);
        unsubscribe();
        clearTimeout(timer);
      }),
    resolve: (change) => change,
  }),
);
