import { Card, Typography } from 'antd';
import { useEffect, useId, useRef } from 'react';
import { type ECharts, init } from './echarts.ts';
import type { ChartView, Figures } from './figures.ts';

declare global {
  interface Window {
    /** The chart instances by name, for inspection (their figures are also in `table[data-chart]`). */
    __qingmiao?: { charts: Record<string, ECharts> };
  }
}

/** The figures of a chart as a table: its text alternative for screen readers, and what the browser tests read. */
export function FiguresTable({ name, figures }: { readonly name: string; readonly figures: Figures }) {
  return (
    <table data-chart={name}>
      <caption>{figures.caption}</caption>
      <thead>
        <tr>
          {figures.columns.map((column) => (
            <th key={column.field} scope="col" data-field={column.field}>
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {figures.rows.map((row) => (
          <tr key={row.key} data-key={row.key}>
            {row.cells.map((cell, index) => {
              const data = { 'data-field': cell.field, 'data-value': cell.value ?? undefined };
              return index === 0 ? (
                <th key={cell.field} scope="row" {...data}>
                  {cell.text}
                </th>
              ) : (
                <td key={cell.field} {...data}>
                  {cell.text}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * One chart in a card: an ECharts canvas that follows its container's size (the canvas is hidden from assistive
 * technology), and the same figures in a visually hidden table.
 */
export function ChartCard({ name, view }: { readonly name: string; readonly view: ChartView }) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | undefined>(undefined);
  const titleId = useId();
  const empty = view.figures.rows.length === 0;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const instance = init(element, undefined, { renderer: 'canvas', locale: 'ZH' });
    chart.current = instance;
    window.__qingmiao ??= { charts: {} };
    window.__qingmiao.charts[name] = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element);
    return () => {
      resize.disconnect();
      if (window.__qingmiao?.charts[name] === instance) delete window.__qingmiao.charts[name];
      instance.dispose();
      chart.current = undefined;
    };
  }, [name]);

  useEffect(() => {
    chart.current?.setOption(view.option, { notMerge: true });
  }, [view.option]);

  return (
    <Card className="dashboard-card" data-chart-card={name}>
      <section aria-labelledby={titleId}>
        <Typography.Title level={2} id={titleId} className="dashboard-card-title">
          {view.title}
        </Typography.Title>
        <p className="dashboard-note" data-note={name}>
          {view.note}
        </p>
        <div className="dashboard-chart-frame">
          <div ref={container} className="dashboard-chart" style={{ height: view.height }} aria-hidden="true" />
          {empty && (
            <p className="dashboard-empty" data-empty={name}>
              {view.empty}
            </p>
          )}
        </div>
        <div className="visually-hidden">
          <FiguresTable name={name} figures={view.figures} />
        </div>
      </section>
    </Card>
  );
}
