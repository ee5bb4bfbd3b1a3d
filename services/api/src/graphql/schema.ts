import { lexicographicSortSchema } from 'graphql';
import { builder } from './builder.ts';
import './access-log.ts';
import './accounts.ts';
import './campaigns.ts';
import './entries.ts';
import './files.ts';
import './judging.ts';
import './lecturers.ts';
import './lectures.ts';
import './live.ts';
import './maintenance.ts';
import './participation.ts';
import './privacy.ts';
import './schools.ts';
import './sessions.ts';
import './winners.ts';

/** The whole GraphQL schema, sorted so the printed SDL diffs cleanly in review. */
export const schema = lexicographicSortSchema(builder.toSchema());
