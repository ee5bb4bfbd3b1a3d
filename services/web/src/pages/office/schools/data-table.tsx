import type { Key, ReactNode } from 'react';

export interface Column<Row> {
  readonly title: string;
  readonly render: (row: Row) => ReactNode;
  readonly numeric?: boolean;
}

/**
 * A plain table that scrolls sideways inside itself (never the page) on a phone. Not Ant Design's Table: it measures
 * the scroll bar with an inline style element on mount, which the app's CSP refuses.
 */
export function DataTable<Row>({
  label,
  rows,
  rowKey,
  columns,
  className,
}: {
  readonly label: string;
  readonly rows: readonly Row[];
  readonly rowKey: (row: Row) => Key;
  readonly columns: readonly Column<Row>[];
  readonly className?: string;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a region that scrolls must be reachable by keyboard
    <section className={`office-table-scroll ${className ?? ''}`} aria-label={label} tabIndex={0}>
      <table className="office-table">
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.title} scope="col" className={column.numeric ? 'numeric' : undefined}>
                {column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.title} className={column.numeric ? 'numeric' : undefined}>
                  {column.render(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
