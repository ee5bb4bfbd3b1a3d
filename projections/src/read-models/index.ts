import type { Projection } from '../projection.ts';
import { campaignsProjection } from './campaigns.ts';
import { entriesProjection } from './entries.ts';
import { schoolsProjection } from './schools.ts';

/** Every read model, applied together in one transaction per batch with one checkpoint. */
export const projections: readonly Projection[] = [schoolsProjection, campaignsProjection, entriesProjection];
