import type { Projection } from '../projection.ts';
import { campaignsProjection } from './campaigns.ts';
import { entriesProjection } from './entries.ts';
import { lecturersProjection } from './lecturers.ts';
import { lecturesProjection } from './lectures.ts';
import { schoolsProjection } from './schools.ts';

/** Every read model, applied together in one transaction per batch with one checkpoint. */
export const projections: readonly Projection[] = [
  schoolsProjection,
  lecturersProjection,
  campaignsProjection,
  entriesProjection,
  lecturesProjection,
];
