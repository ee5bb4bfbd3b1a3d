import { describe, expect, it } from 'vitest';
import { campaignsChart, measureOf, schoolsChart, townsChart } from '../src/pages/dashboard/figures.ts';
import { formatPercent, percentScale, percentTicks } from '../src/pages/dashboard/percent-scale.ts';
import type { CampaignInfo, ParticipationRow } from '../src/pages/dashboard/queries.ts';

const row = (key: string, figures: Partial<ParticipationRow> = {}): ParticipationRow => ({
  key,
  label: key,
  rank: null,
  schools: 1,
  entries: 0,
  students: 0,
  enrolled: 100,
  participationRate: 0,
  lecturesDelivered: 0,
  audience: 0,
  ...figures,
});

const campaign = (id: string, takes: CampaignInfo['takes']): CampaignInfo => ({
  id,
  title: id,
  kind: takes === 'LECTURES' ? 'LECTURE' : 'ESSAY',
  takes,
  status: 'OPEN',
  targetSessions: takes === 'LECTURES' ? 10 : null,
  sessionsDelivered: 0,
  audience: 0,
  progress: takes === 'LECTURES' ? 0 : null,
});

describe('percentage axis', () => {
  it('gives the step enough decimals that ticks never repeat', () => {
    expect(percentTicks(percentScale(0.018, 4))).toEqual(['0.0%', '0.5%', '1.0%', '1.5%', '2.0%']);
    expect(percentTicks(percentScale(0.125, 5))).toEqual(['0.0%', '2.5%', '5.0%', '7.5%', '10.0%', '12.5%']);
    expect(percentTicks(percentScale(0.4, 4))).toEqual(['0%', '10%', '20%', '30%', '40%']);
    expect(percentTicks(percentScale(0.0011, 5))).toEqual(['0.000%', '0.025%', '0.050%', '0.075%', '0.100%', '0.125%']);
  });

  it('never repeats a tick, whatever the largest share and the number of steps', () => {
    for (let largest = 0.0001; largest < 3; largest *= 1.07) {
      for (const splits of [3, 4, 5, 6]) {
        const scale = percentScale(largest, splits);
        const ticks = percentTicks(scale);
        expect(new Set(ticks).size, `${largest} in ${splits}: ${ticks.join(' ')}`).toBe(ticks.length);
        expect(scale.max).toBeGreaterThanOrEqual(largest);
        // Every tick at the same precision: 0.5%, 1.0%, not 0.5%, 1%.
        expect(new Set(ticks.map((tick) => tick.split('.')[1]?.length ?? 0)).size).toBe(1);
        // Not too many steps to read on a phone.
        expect(ticks.length).toBeLessThanOrEqual(splits + 2);
      }
    }
  });

  it('gives an empty or all-zero series a 0–1 % axis', () => {
    expect(percentTicks(percentScale(0))).toEqual(['0.0%', '0.2%', '0.4%', '0.6%', '0.8%', '1.0%']);
    expect(percentScale(Number.NaN).max).toBe(0.01);
  });

  it('formats a share with the decimals asked', () => {
    expect(formatPercent(0.015, 1)).toBe('1.5%');
    expect(formatPercent(0.1, 0)).toBe('10%');
  });
});

describe('lectures or participation', () => {
  it('compares by participation rate while a campaign in view takes entries', () => {
    expect(measureOf([campaign('essay', 'ENTRIES')])).toBe('participation');
    expect(measureOf([campaign('essay', 'ENTRIES'), campaign('dangshi', 'LECTURES')])).toBe('participation');
    expect(measureOf([])).toBe('participation');
  });

  it('compares by lectures and audience when every campaign in view takes lectures', () => {
    expect(measureOf([campaign('dangshi', 'LECTURES')])).toBe('lectures');
    expect(measureOf([campaign('dangshi', 'LECTURES'), campaign('laoyuanding', 'LECTURES')])).toBe('lectures');
  });

  it('shows a lecture campaign by sessions and audience, not by a rate of 0 for every school', () => {
    const rows = [
      row('a', { lecturesDelivered: 2, audience: 200 }),
      row('b', { lecturesDelivered: 0 }),
      row('c', { lecturesDelivered: 3, audience: 90 }),
    ];
    const view = schoolsChart(rows, 'lectures', { narrow: false });
    expect(view.figures.rows.map((r) => r.key)).toEqual(['c', 'a']);
    expect(view.figures.columns.map((c) => c.field)).toEqual(['label', 'lecturesDelivered', 'audience']);
    const series = view.option.series as Array<{ name: string; data: unknown[] }>;
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['讲座场次', [3, 2]],
      ['受众人数', [90, 200]],
    ]);
    const rate = schoolsChart(rows, 'participation', { narrow: false });
    expect((rate.option.series as Array<{ name: string }>).map((s) => s.name)).toEqual(['参与率']);
  });

  it('shows towns by lectures and audience for lecture campaigns', () => {
    const view = townsChart([row('城厢镇', { lecturesDelivered: 4, audience: 300 })], 'lectures', { narrow: true });
    const series = view.option.series as Array<{ name: string; data: unknown[] }>;
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['讲座场次', [4]],
      ['受众人数', [300]],
    ]);
  });

  it('counts each campaign by what it takes: entries, or lectures delivered', () => {
    const campaigns = [campaign('essay', 'ENTRIES'), campaign('dangshi', 'LECTURES')];
    const view = campaignsChart(
      [row('dangshi', { entries: 0, lecturesDelivered: 5 }), row('essay', { entries: 7 })],
      campaigns,
      { narrow: false },
    );
    const series = view.option.series as Array<{ name: string; data: unknown[] }>;
    expect(series.map((s) => [s.name, s.data])).toEqual([
      ['作品数', [null, 7]],
      ['讲座场次', [5, null]],
    ]);
    expect(view.figures.rows.map((r) => r.cells[0]?.text)).toEqual(['dangshi(讲座)', 'essay(征文)']);
  });
});
