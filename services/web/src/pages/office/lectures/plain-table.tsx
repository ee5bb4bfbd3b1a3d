import type { ReactNode } from 'react';

interface Column<Row> {
  readonly title: string;
  readonly render: (row: Row) => ReactNode;
}

interface Props<Row> {
  readonly rows: readonly Row[];
  readonly rowKey: (row: Row) => string;
  readonly columns: readonly Column<Row>[];
  readonly caption?: string;
  readonly empty: string;
  readonly className?: string;
}

/**
 * A plain table that scrolls sideways inside its own box on a phone. Ant Design's Table measures the scrollbar by
 * injecting a style element without the page's nonce, which the app's CSP blocks (and reports).
 */
export function PlainTable<Row>({ rows, rowKey, columns, caption, empty, className }: Props<Row>) {
  return (
    <div className={`plain-table-box ${className ?? ''}`}>
      <table className="plain-table">
        {caption && <caption>{caption}</caption>}
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.title} scope="col">
                {column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr>
              <td colSpan={columns.length} className="empty">
                {empty}
              </td>
            </tr>
          ) : (
            rows.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((column) => (
                  <td key={column.title}>{column.render(row)}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
