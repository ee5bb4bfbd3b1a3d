import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { FiguresTable } from '../src/pages/dashboard/chart-card.tsx';
import { schoolsChart } from '../src/pages/dashboard/figures.ts';
import type { ParticipationRow } from '../src/pages/dashboard/queries.ts';

const ROWS: ParticipationRow[] = [
  {
    key: 'shiyan',
    label: '太仓市实验小学',
    rank: 1,
    schools: 1,
    entries: 3,
    students: 4,
    enrolled: 40,
    participationRate: 0.1,
    lecturesDelivered: 1,
    audience: 120,
  },
  {
    key: 'yey',
    label: '浏河镇中心幼儿园',
    rank: null,
    schools: 1,
    entries: 1,
    students: 1,
    enrolled: null,
    participationRate: null,
    lecturesDelivered: 0,
    audience: 0,
  },
];

/** The rows of the table named `caption`, as the cells' texts. */
function rowsOf(caption: string): string[][] {
  const table = screen.getByRole('table', { name: caption });
  return within(table)
    .getAllByRole('row')
    .map((row) => Array.from(row.querySelectorAll('th, td'), (cell) => cell.textContent ?? ''));
}

describe('a chart’s table of figures', () => {
  it('says the participation rate of schools with enrollment, under a caption', () => {
    render(<FiguresTable name="schools" figures={schoolsChart(ROWS, 'participation', { narrow: true }).figures} />);
    expect(rowsOf('各校参与率(参与学生 / 在校学生),从高到低')).toEqual([
      ['学校', '名次', '参与率', '参与学生', '在校学生', '作品数'],
      ['太仓市实验小学', '1', '10.0%', '4', '40', '3'],
    ]);
  });

  it('says lectures and audience for lecture campaigns, schools without lectures left out', () => {
    render(<FiguresTable name="schools" figures={schoolsChart(ROWS, 'lectures', { narrow: true }).figures} />);
    expect(rowsOf('各校讲座场次与受众人数,从多到少')).toEqual([
      ['学校', '讲座场次', '受众人数'],
      ['太仓市实验小学', '1', '120'],
    ]);
  });
});
