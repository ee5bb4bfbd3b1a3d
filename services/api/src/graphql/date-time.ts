import { DateTime } from '@qingmiao/schema';
import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

function parse(value: unknown): string {
  const result = DateTime.safeParse(value);
  if (!result.success) {
    throw new GraphQLError(`DateTime ${result.error.issues[0]?.message}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return result.data;
}

/** ISO 8601 date-times with a time zone, validated by the same schema as command inputs. */
export const DateTimeResolver = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description: 'An ISO 8601 date-time with a time zone, e.g. 2022-06-30T23:59:59+08:00',
  serialize: (value) => String(value),
  parseValue: parse,
  parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
});
