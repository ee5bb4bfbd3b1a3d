/** A row as SQLite returns it: lists and objects as JSON text, booleans as 0 or 1. */
export type Raw<T, JsonFields extends keyof T, BoolFields extends keyof T = never> = Omit<
  T,
  JsonFields | BoolFields
> & {
  [K in JsonFields]: string;
} & { [K in BoolFields]: number };
