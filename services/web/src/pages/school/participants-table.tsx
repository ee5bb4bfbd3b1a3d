import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { PARTICIPANT_ROLE_LABELS } from '@qingmiao/schema/labels';
import { Button, Input } from 'antd';
import type { ClipboardEvent } from 'react';
import type { FieldErrors } from '../../forms/field-errors.ts';
import { blankRow, type ParticipantRow, pasteInto, ROLES, rowsFromPaste } from './participant-rows.ts';

interface Props {
  readonly rows: readonly ParticipantRow[];
  readonly onChange: (rows: ParticipantRow[]) => void;
  /** Problems by path (`participants.1.name`). */
  readonly errors: FieldErrors;
  readonly disabled?: boolean;
  /** Shows 监护人同意: a box per student the school ticks when it holds the guardian's signed consent form. */
  readonly askConsent?: boolean;
}

const COLUMNS = [
  { field: 'name', label: '姓名' },
  { field: 'role', label: '身份' },
  { field: 'grade', label: '年级' },
  { field: 'key', label: '编号' },
] as const;

const CONSENT_LABEL = '监护人同意';

/**
 * 参赛人员: one row per person (姓名, 身份, 年级, 编号, and 监护人同意 when the campaign requires it), rows added and
 * removed by buttons; lines copied from a spreadsheet and pasted into any cell become rows from that one on. On a
 * phone each row stacks into a card.
 */
export function ParticipantsTable({ rows, onChange, errors, disabled, askConsent = false }: Props) {
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
            {askConsent && <th scope="col">{CONSENT_LABEL}</th>}
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
                {askConsent && (
                  <ConsentCell
                    row={row}
                    number={number}
                    problem={error('guardianConsent')}
                    disabled={disabled}
                    onChange={(guardianConsent) => update(index, { guardianConsent })}
                  />
                )}
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

interface ConsentCellProps {
  readonly row: ParticipantRow;
  readonly number: number;
  readonly problem: string | undefined;
  readonly disabled: boolean | undefined;
  readonly onChange: (consent: boolean) => void;
}

/** 监护人同意 of one row: asked of students only (teachers, retired teachers and parents consent for themselves). */
function ConsentCell({ row, number, problem, disabled, onChange }: ConsentCellProps) {
  if (row.role !== 'STUDENT') {
    return (
      <td data-label={CONSENT_LABEL} className="participants-consent">
        无需
      </td>
    );
  }
  const id = `participant-${row.rowId}-guardianConsent`;
  const described = problem ? `${id}-error` : undefined;
  return (
    <td data-label={CONSENT_LABEL} className="participants-consent">
      <label htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          aria-label={`第 ${number} 行 监护人已签字同意`}
          aria-invalid={problem ? true : undefined}
          aria-describedby={described}
          checked={row.guardianConsent}
          disabled={disabled}
          onChange={(event) => onChange(event.target.checked)}
        />{' '}
        已收到签字同意书
      </label>
      {problem && (
        <div id={described} className="field-error" role="alert">
          {problem}
        </div>
      )}
    </td>
  );
}
