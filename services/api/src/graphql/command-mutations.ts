import type { InputObjectRef, ObjectRef } from '@pothos/core';
import type { CommandMeta, Commands } from '@qingmiao/domain';
import type { ReadModelQueries } from '@qingmiao/projections';
import type { CommandName, commandInputs } from '@qingmiao/schema';
import type { z } from 'zod';
import { builder, type InputOptions, inputOf, type Types } from './builder.ts';
import { type Context, mutate } from './context.ts';

/** What the caller of command `N` may send: its zod schema's input. */
type CommandInput<N extends CommandName> = z.input<(typeof commandInputs)[N]>;

type Outcomes = { [N in CommandName]: Awaited<ReturnType<Commands[N]>> };

/** The commands whose outcome carries `Id`: those whose result a mutation reads back by that id. */
export type CommandsYielding<Id extends string> = {
  [N in CommandName]: Outcomes[N] extends Record<Id, unknown> ? N : never;
}[CommandName];

/** `Commands` seen per name, so that running command `N` keeps `N`'s outcome for the read-back. */
type Runners = { [N in CommandName]: (raw: unknown, meta: CommandMeta) => Promise<Outcomes[N]> };

/** The options of command `N`'s input object. */
export type CommandInputOptions<N extends CommandName> = InputOptions<CommandInput<N>>;

/**
 * The mutation `name`: it takes one input named after it (`registerSchool(input: RegisterSchoolInput!)`), with the
 * fields of the command's zod input, runs the command and returns what it changed as `readBack` reads it.
 */
export function commandMutation<N extends CommandName, Row>(
  name: N,
  options: {
    type: ObjectRef<Types, Row>;
    input: CommandInputOptions<N>;
    description?: string;
    /** May be async: activateAccount starts a session from what it reads back. */
    readBack: (
      outcome: Outcomes[N],
      read: ReadModelQueries,
      context: Context,
    ) => Row | undefined | Promise<Row | undefined>;
  },
) {
  // Pothos cannot work out field shapes from type parameters; the signature above has checked input and row already.
  const input: InputObjectRef<Types, object> = inputOf<CommandInput<N>>(
    `${name.charAt(0).toUpperCase()}${name.slice(1)}Input`,
    options.input,
  );
  const type: ObjectRef<Types, unknown> = options.type;
  return builder.mutationField(name, (t) =>
    t.field({
      type,
      description: options.description,
      args: { input: t.arg({ type: input, required: true }) },
      resolve: (_root, args, context) =>
        mutate(
          context,
          (commands: Runners, meta) => commands[name](args.input, meta),
          (outcome, read) => options.readBack(outcome, read, context),
        ),
    }),
  );
}
