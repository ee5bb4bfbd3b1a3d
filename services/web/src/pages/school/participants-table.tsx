import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { PARTICIPANT_ROLE_LABELS } from '@qingmiao/schema/labels';
import { Button, Input } from 'antd';
import type { ClipboardEvent } from 'react';
import type { FieldErrors } from './field-errors.ts';
import { blankRow, type ParticipantRow, pasteInto, ROLES, rowsFromPaste } from './participant-rows.ts';

interface Props {
  readonly rows: readonly ParticipantRow[];
  readonly onChange: (rows: ParticipantRow[]) => void;
  /** Problems by path (`participants.1.name`). */
  readonly errors: FieldErrors;
  readonly disabled?: boolean;
}

const COLUMNS = [
  { field: 'name', label: '姓名' },
  { field: 'role', label: '身份' },
  { field: 'grade', label: '年级' },
  { field: 'key', label: '编号' },
] as const;

/**
 * 参赛人员: one row per person (姓名, 身份, 年级, 编号), rows added and removed by buttons; lines copied from a
 * spreadsheet and pasted into any cell become rows from that one on. On a phone each row stacks into a card.
 */
export function ParticipantsTable({ rows, onChange, errors, disabled }: Props) {
  const update = (index: number, change: Partial<ParticipantRow>) =>
    onChange(rows.map((row, at) => (at === index ? { ...row, ...change } : row)));

  const paste = (index: number) => (event: ClipboardEvent<HTMLElement>) => {
    const pasted = rowsFromPaste(event.clipboardData.getData('text/plain'));
    if (!pasted) return;
    event.preventDefault();
    onChange(pasteInto(rows, index, pasted));
  };

  return (
    <div className="participants">
      <table className="participants-table">
        <caption>参赛人员</caption>
        <thead>
          <tr>
            <th scope="col">序号</th>
            {COLUMNS.map((column) => (
              <th key={column.field} scope="col">
                {column.label}
              </th>
            ))}
            <th scope="col">操作</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, index) => {
            const number = index + 1;
            const error = (field: string) => errors[`participants.${index}.${field}`];
            return (
              <tr key={row.rowId}>
                <th scope="row">{number}</th>
                {COLUMNS.map(({ field, label }) => {
                  const id = `participant-${row.rowId}-${field}`;
                  const problem = error(field);
                  const described = problem ? `${id}-error` : undefined;
                  return (
                    <td key={field} data-label={label}>
                      {field === 'role' ? (
                        <select
                          id={id}
                          className="participants-select"
                          aria-label={`第 ${number} 行 ${label}`}
                          aria-invalid={problem ? true : undefined}
                          aria-describedby={described}
                          value={row.role}
                          disabled={disabled}
                          onChange={(event) => update(index, { role: event.target.value as ParticipantRow['role'] })}
                        >
                          <option value="" disabled>
                            请选择
                          </option>
                          {ROLES.map((role) => (
                            <option key={role} value={role}>
                              {PARTICIPANT_ROLE_LABELS[role]}
                            </option>
                          ))}
                        </select>
                      ) : (
                        <Input
                          id={id}
                          aria-label={`第 ${number} 行 ${label}`}
                          aria-invalid={problem ? true : undefined}
                          aria-describedby={described}
                          status={problem ? 'error' : undefined}
                          value={row[field]}
                          disabled={disabled}
                          onChange={(event) => update(index, { [field]: event.target.value })}
                          onPaste={paste(index)}
                        />
                      )}
                      {problem && (
                        <div id={described} className="field-error" role="alert">
                          {problem}
                        </div>
                      )}
                    </td>
                  );
                })}
                <td>
                  <Button
                    icon={<DeleteOutlined aria-hidden />}
                    aria-label={`删除第 ${number} 行`}
                    disabled={disabled}
                    onClick={() => onChange(rows.filter((_, at) => at !== index))}
                  >
                    删除
                  </Button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Button icon={<PlusOutlined aria-hidden />} disabled={disabled} onClick={() => onChange([...rows, blankRow()])}>
        添加一行
      </Button>
      <p className="hint">可从表格软件复制多行（姓名、身份、年级、编号）粘贴到任一格。</p>
    </div>
  );
}
