import { Select } from 'antd';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { useQuery } from 'urql';
import { YEARS_QUERY } from '../../dashboard/queries.ts';
import { defaultYear } from '../../dashboard/years.ts';

/**
 * The report's year, kept in the address (`?year=2022`, so a link or a reload keeps it): asked for, else the
 * latest year with campaigns that has begun. Undefined until the years are known.
 */
export function useReportYear() {
  const [search, setSearch] = useSearchParams();
  const [{ data }] = useQuery({ query: YEARS_QUERY });
  const requested = Number(search.get('year'));
  const year =
    Number.isInteger(requested) && requested >= 2000
      ? requested
      : data
        ? defaultYear(data.campaigns.map((campaign) => campaign.year))
        : undefined;
  const years = useMemo(() => {
    const all = new Set(data?.campaigns.map((campaign) => campaign.year));
    if (year !== undefined) all.add(year);
    return [...all].sort((a, b) => b - a);
  }, [data, year]);
  const setYear = (next: number) => setSearch(new URLSearchParams({ year: String(next) }), { replace: true });
  return { year, years, setYear, search, setSearch };
}

/** 年度: the select every report page starts with. */
export function YearSelect({ report }: { readonly report: ReturnType<typeof useReportYear> }) {
  return (
    <Select
      aria-label="年度"
      className="report-year"
      value={report.year}
      options={report.years.map((y) => ({ value: y, label: `${y}年` }))}
      onChange={(value: number) => report.setYear(value)}
    />
  );
}

/** Opens the browser's print dialog (where 另存为 PDF is offered): the print stylesheet leaves only the page. */
export const printPage = () => window.print();
