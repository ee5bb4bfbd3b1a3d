import type { RebuildReport } from '@qingmiao/projections';
import { builder } from './builder.ts';

const RebuildReportType = builder.objectRef<RebuildReport>('RebuildReport').implement({
  description: 'A finished blue-green rebuild of the read models.',
  fields: (t) => ({
    generation: t.exposeString('generation', { description: 'The read-model file now serving.' }),
    position: t.string({
      description: 'Global log position it was built to.',
      resolve: (r) => String(r.position.commit),
    }),
    durationMs: t.exposeFloat('durationMs'),
  }),
});

builder.mutationField('rebuildReadModels', (t) =>
  t.field({
    type: RebuildReportType,
    description:
      'Rebuild every read model from the log into a new generation while the current one keeps serving, then switch.',
    authScopes: { organizer: true },
    resolve: (_root, _args, { readSide }) => readSide.rebuild(),
  }),
);
