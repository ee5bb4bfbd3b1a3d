import type { z } from 'zod';
import { InvalidInput } from './errors.ts';

/** Parses a command input, refusing it with the first problem's field path (e.g. `participants.0.name`). */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.infer<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.map(String).join('.') || 'input';
  throw new InvalidInput(field, issue?.message ?? 'is invalid');
}
