import { describe, expect, it } from 'vitest';
import { CAMPAIGN_KIND_LABELS, GROUPING_LABELS, PRIZE_LABELS, SCHOOL_KIND_LABELS } from '../src/labels.ts';
import { CampaignKind, ParticipationGrouping, Prize, SchoolKind } from '../src/primitives.ts';

// A value added to an enum without its Chinese name is a compile error, not a report showing the raw value.
// @ts-expect-error Property 'INTERNATIONAL' is missing in type 'Readonly<Record<SchoolKind, string>>'
const withoutLabel: Record<SchoolKind | 'INTERNATIONAL', string> = SCHOOL_KIND_LABELS;

describe('labels', () => {
  it.each([
    ['school kinds', SchoolKind.options, withoutLabel],
    ['campaign kinds', CampaignKind.options, CAMPAIGN_KIND_LABELS],
    ['prizes', Prize.options, PRIZE_LABELS],
    ['groupings', ParticipationGrouping.options, GROUPING_LABELS],
  ] as const)('names every value of %s once, each differently', (_what, values, labels) => {
    expect(Object.keys(labels).sort()).toEqual([...values].sort());
    expect(new Set(Object.values(labels)).size).toBe(values.length);
  });
});
