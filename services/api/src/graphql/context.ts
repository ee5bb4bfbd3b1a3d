import type { CommandMeta, Commands } from '@qingmiao/domain';
import type { ProjectionRunner, ReadModels } from '@qingmiao/projections';
import type { Actor } from '@qingmiao/schema';

/** What every resolver gets: the authenticated actor and the application's services. */
export interface Context {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly commands: Commands;
  readonly read: ReadModels;
  readonly projections: ProjectionRunner;
}

export function commandMeta(context: Context): CommandMeta {
  return { actor: context.actor, correlationId: context.correlationId };
}
