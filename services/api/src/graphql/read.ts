import { NotFound } from '@qingmiao/domain';

/** A read model row that a successful command must have produced. */
export function mustExist<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new NotFound(`${what} does not exist`);
  return row;
}
