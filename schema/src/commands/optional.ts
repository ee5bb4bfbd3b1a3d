import type { z } from 'zod';

/**
 * Command inputs: the single place where what callers send is validated. GraphQL sends `null` for omitted optional
 * fields; `nullish` accepts both and the domain sees `undefined`.
 */
export const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((value) => value ?? undefined);
