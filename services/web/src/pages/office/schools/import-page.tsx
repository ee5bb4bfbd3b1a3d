import type { ImportCommand, ImportKind, ImportLine, ImportPreview, ImportRowError } from '@qingmiao/schema';
import { Alert, App, Button, Card, Checkbox, InputNumber, Progress, Select, Tag } from 'antd';
import { type ChangeEvent, useId, useState } from 'react';
import { Link } from 'react-router';
import { errorMessage, messageFor } from '../../../error-messages.ts';
import { ApiError } from '../../../session/api-request.ts';
import { useSession } from '../../../session/context.tsx';
import { DataTable } from './data-table.tsx';
import { downloadTemplate, previewImport, runImport } from './import-client.ts';

/** What the page says about each kind of sheet: the fields in Chinese, in the template's order. */
const KINDS: Readonly<Record<ImportKind, { title: string; back: string; fields: Readonly<Record<string, string>> }>> = {
  schools: {
    title: '导入学校与在校生数',
    back: '/office/schools',
    fields: {
      code: '学校代码',
      name: '学校名称',
      kind: '学校类型',
      town: '镇区',
      private: '是否民办',
      students: '在校学生数',
      year: '年度',
    },
  },
  lecturers: {
    title: '导入讲师',
    back: '/office/schools/lecturers',
    fields: { id: '讲师编号', name: '讲师姓名', topics: '讲题/专长', formerSchoolId: '原任教学校代码' },
  },
};

const COMMANDS: Readonly<Record<ImportCommand, string>> = {
  registerSchool: '新增学校',
  renameSchool: '更名',
  recordEnrollment: '记录在校生数',
  registerLecturer: '新增讲师',
};

/** A row's problem in Chinese: the column, and what is wrong with its value. */
function problemText({ code, column, value }: ImportRowError, fields: Readonly<Record<string, string>>, field: string) {
  const where = column ?? fields[field] ?? field;
  switch (code) {
    case 'MISSING':
      return `${where}：未填写`;
    case 'UNKNOWN_KIND':
      return `${where}：“${value}”不是可识别的学校类型`;
    case 'DUPLICATE':
      return `${where}：“${value}”在表中重复`;
    case 'BAD_NUMBER':
      return `${where}：“${value}”不是有效的数字`;
    case 'BAD_VALUE':
      return `${where}：“${value}”格式有误`;
    case 'DIFFERS':
      return `${where}：“${value}”与已登记的不同，导入不修改此项，请手工处理`;
    case 'UNKNOWN_SCHOOL':
      return `${where}：没有代码为“${value}”的学校`;
  }
}

/** How many error-free rows the preview lists before 显示全部. */
const FEW_ROWS = 20;

/** What went wrong with the file or the request, in Chinese; a file over the server's limit said as such. */
const importProblem = (error: unknown) =>
  error instanceof ApiError && error.status === 413
    ? '文件太大（不能超过 5 MB），请分成几个表格导入。'
    : errorMessage(error);

type RowOutcome = Extract<ImportLine, { type: 'row' }>;
type Done = Extract<ImportLine, { type: 'done' }>;

/** `/office/schools/import` and `/office/schools/lecturers/import`: choose a sheet, check the preview, import. */
export default function ImportPage({ kind }: { readonly kind: ImportKind }) {
  const { message } = App.useApp();
  const session = useSession();
  const { title, back, fields } = KINDS[kind];
  const fileInput = useId();
  const [file, setFile] = useState<File>();
  const [year, setYear] = useState(new Date().getFullYear());
  const [mapping, setMapping] = useState<Partial<Record<string, string>>>();
  const [preview, setPreview] = useState<ImportPreview>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [validOnly, setValidOnly] = useState(false);
  const [showAll, setShowAll] = useState(false);
  const [progress, setProgress] = useState<{ total: number; outcomes: RowOutcome[]; done?: Done }>();

  const check = async (chosen: File, chosenMapping = mapping, chosenYear = year) => {
    setBusy(true);
    setProblem(undefined);
    setProgress(undefined);
    setValidOnly(false);
    try {
      const answer = await previewImport(session.fetch, {
        kind,
        file: chosen,
        year: kind === 'schools' ? chosenYear : undefined,
        mapping: chosenMapping,
      });
      setPreview(answer);
      setMapping(answer.mapping);
    } catch (error) {
      setPreview(undefined);
      setProblem(importProblem(error));
    } finally {
      setBusy(false);
    }
  };

  const choose = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    setFile(chosen);
    setMapping(undefined);
    if (chosen) void check(chosen, undefined);
  };

  const remap = (field: string, column: string | undefined) => {
    const next = { ...mapping, [field]: column };
    if (column === undefined) delete next[field];
    setMapping(next);
    if (file) void check(file, next);
  };

  const start = async () => {
    if (!file || !preview) return;
    setBusy(true);
    setProblem(undefined);
    const outcomes: RowOutcome[] = [];
    setProgress({ total: 0, outcomes });
    try {
      await runImport(
        session.fetch,
        { kind, file, mapping, validOnly, year: kind === 'schools' ? year : undefined },
        (line) => {
          if (line.type === 'start') setProgress({ total: line.valid, outcomes: [] });
          else if (line.type === 'row') {
            outcomes.push(line);
            setProgress((now) => now && { ...now, outcomes: [...outcomes] });
          } else {
            setProgress((now) => now && { ...now, done: line });
            void message.success(`导入完成：${line.applied} 行已写入，${line.unchanged} 行无变化`);
          }
        },
      );
    } catch (error) {
      setProblem(importProblem(error));
    } finally {
      setBusy(false);
    }
  };

  const rows = preview?.rows ?? [];
  const bad = rows.filter((row) => row.errors.length > 0);
  const changing = rows.filter((row) => row.errors.length === 0 && row.actions.length > 0);
  const mappingOk = preview !== undefined && preview.mappingProblems.length === 0;
  const canImport = mappingOk && rows.length > 0 && (bad.length === 0 || validOnly) && !busy && !progress?.done;
  const done = progress?.outcomes.length ?? 0;
  // The rows with errors first, then the others: the first few unless asked for all (a sheet has hundreds).
  const fine = rows.filter((row) => row.errors.length === 0);
  const shownRows = [...bad, ...(showAll ? fine : fine.slice(0, FEW_ROWS))];

  return (
    <section className="office-import">
      <p>
        <Link to={back}>← 返回列表</Link>
      </p>
      <h1 className="office-title">{title}</h1>
      <Card size="small" title="1. 选择文件">
        <p className="hint">
          支持教育局的 .xlsx 或 .csv 表格，第一行为表头。列名示例：{Object.values(fields).join('、')}。
          学校类型可填中文（如 小学、初中、九年一贯制）或英文代码（PRIMARY）。
        </p>
        <div className="office-import-controls">
          <label htmlFor={fileInput} className="field-label">
            表格文件
          </label>
          <input
            id={fileInput}
            type="file"
            accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
            onChange={choose}
          />
          {kind === 'schools' && (
            <div className="office-inline-field">
              <span>在校生数年度</span>
              <InputNumber
                aria-label="在校生数年度"
                min={2000}
                max={2100}
                value={year}
                onChange={(value) => {
                  if (value === null) return;
                  setYear(value);
                  if (file) void check(file, mapping, value);
                }}
              />
            </div>
          )}
          <Button
            onClick={() =>
              downloadTemplate(session.fetch, kind, `${kind === 'schools' ? '学校' : '讲师'}导入模板.xlsx`).catch(
                (error: unknown) => setProblem(importProblem(error)),
              )
            }
          >
            下载模板
          </Button>
        </div>
      </Card>

      {problem && <Alert type="error" title={problem} showIcon className="office-gap" />}

      {preview && (
        <Card size="small" title="2. 对应列" className="office-gap">
          <div className="office-mapping">
            {Object.entries(fields).map(([field, label]) => {
              const fieldProblem = preview.mappingProblems.find((p) => p.field === field);
              return (
                <div key={field} className="office-inline-field">
                  <span>{label}</span>
                  <Select
                    aria-label={`${label}所在列`}
                    status={fieldProblem ? 'error' : undefined}
                    value={mapping?.[field] ?? ''}
                    options={[
                      { value: '', label: '（不导入）' },
                      ...preview.columns.map((column) => ({ value: column, label: column })),
                    ]}
                    onChange={(column: string) => remap(field, column || undefined)}
                    style={{ minWidth: 140 }}
                  />
                  {fieldProblem && <span className="field-error">必须指定</span>}
                </div>
              );
            })}
          </div>
        </Card>
      )}

      {preview && mappingOk && (
        <Card size="small" title="3. 预览（尚未写入）" className="office-gap">
          <p aria-live="polite">
            共 {rows.length} 行：{changing.length} 行将写入，{rows.length - bad.length - changing.length} 行无变化，
            <strong className={bad.length ? 'office-bad' : undefined}>{bad.length} 行有误</strong>。
          </p>
          {bad.length > 0 && (
            <Alert
              type="warning"
              showIcon
              title={`有 ${bad.length} 行有误。有误时不写入任何数据；改正表格后重新选择文件，或勾选下方“只导入无误的行”。`}
            />
          )}
          <DataTable
            label="预览结果"
            className="office-gap"
            rows={shownRows}
            rowKey={(row) => row.row}
            columns={[
              { title: '行号', numeric: true, render: (row) => row.row },
              { title: kind === 'schools' ? '学校代码' : '讲师', render: (row) => row.key ?? '—' },
              {
                title: '结果',
                render: (row) =>
                  row.errors.length > 0 ? (
                    <ul className="office-errors">
                      {row.errors.map((error) => (
                        <li key={`${error.field}-${error.code}`}>{problemText(error, fields, error.field)}</li>
                      ))}
                    </ul>
                  ) : row.actions.length === 0 ? (
                    <Tag>无变化</Tag>
                  ) : (
                    row.actions.map((action) => (
                      <Tag color="blue" key={action.command}>
                        {COMMANDS[action.command]}
                      </Tag>
                    ))
                  ),
              },
            ]}
          />
          {fine.length > FEW_ROWS && (
            <Button type="link" onClick={() => setShowAll(!showAll)}>
              {showAll ? `只显示前 ${FEW_ROWS} 行无误的行` : `显示全部 ${rows.length} 行`}
            </Button>
          )}
          <div className="office-import-controls office-gap">
            {bad.length > 0 && (
              <Checkbox checked={validOnly} onChange={(event) => setValidOnly(event.target.checked)}>
                只导入无误的 {rows.length - bad.length} 行（有误的 {bad.length} 行不导入）
              </Checkbox>
            )}
            <Button type="primary" disabled={!canImport} onClick={start}>
              导入
            </Button>
          </div>
        </Card>
      )}

      {progress && (
        <Card size="small" title="4. 导入进度" className="office-gap">
          <Progress
            percent={progress.total ? Math.round((done / progress.total) * 100) : progress.done ? 100 : 0}
            aria-label="导入进度"
          />
          <p aria-live="polite">
            已处理 {done} / {progress.total} 行
            {progress.done &&
              `：写入 ${progress.done.applied} 行，无变化 ${progress.done.unchanged} 行，失败 ${progress.done.failed} 行，未导入 ${progress.done.skipped} 行。`}
          </p>
          {progress.outcomes
            .filter((outcome) => outcome.outcome === 'failed')
            .map((outcome) => (
              <Alert
                key={outcome.row}
                type="error"
                title={`第 ${outcome.row} 行（${outcome.key ?? '—'}）未能写入：${messageFor(outcome.code)}`}
              />
            ))}
        </Card>
      )}
    </section>
  );
}
