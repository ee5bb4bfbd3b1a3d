import { randomUUID } from 'node:crypto';
import { type CommandMeta, type Commands, DomainError } from '@qingmiao/domain';
import type { ReadSide } from '@qingmiao/projections';
import { type Actor, type ImportLine, type ImportPreview, Year } from '@qingmiao/schema';
import express from 'express';
import { z } from 'zod';
import { type Authenticator, Unauthenticated } from '../auth.ts';
import {
  type ImportFields,
  LECTURER_FIELDS,
  type Mapping,
  mappingProblems,
  SCHOOL_FIELDS,
  suggestMapping,
} from './columns.ts';
import {
  type LecturerAction,
  type PlannedRow,
  planLecturers,
  planSchools,
  type SchoolAction,
  validRows,
} from './plan.ts';
import { readSheet, type Sheet, UnreadableSheet } from './sheet.ts';
import { templateWorkbook } from './template.ts';

/** The largest sheet accepted: a few thousand rows of text fit well within it. */
const MAX_FILE_BYTES = 5 * 1024 * 1024;

type Action = SchoolAction | LecturerAction;

/** One kind of import: the fields it reads, its template's example row and how a sheet becomes commands. */
interface ImportKind {
  readonly title: string;
  readonly spec: ImportFields<string>;
  readonly example: Readonly<Record<string, string | number>>;
  plan(sheet: Sheet, mapping: Mapping<string>, year: number | undefined): PlannedRow<Action>[];
}

const ImportQuery = z.object({
  year: z.coerce.number().pipe(Year).optional(),
  mapping: z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.record(z.string(), z.string()))
    .optional(),
  validOnly: z.enum(['true', 'false']).default('false'),
});

type Locals = { actor: Actor };

const refuse = (res: express.Response, status: number, code: string, message: string, field?: string) =>
  res.status(status).json({ error: { code, message, ...(field ? { field } : {}) } });

/**
 * `/imports/{schools,lecturers}`: the office registers schools (with their enrollment) and lecturers from the bureau's
 * .xlsx or .csv. `POST …/preview` reads the file (the request body) and answers the columns, a suggested mapping and
 * what each row would do; `POST …` runs the valid rows' commands and streams each row's outcome as NDJSON.
 * `GET …/template.xlsx` is a workbook to fill in. Organizers only.
 */
export function importRoutes(authenticator: Authenticator, readSide: ReadSide, commands: Commands): express.Router {
  const kinds: Readonly<Record<string, ImportKind>> = {
    schools: {
      title: '学校',
      spec: SCHOOL_FIELDS,
      example: {
        code: 'tc-shiyan',
        name: '太仓市实验小学',
        kind: '小学',
        town: '城厢镇',
        private: '否',
        students: 1200,
        year: new Date().getFullYear(),
      },
      plan: (sheet, mapping, year) => planSchools(sheet, mapping, readSide.read, year),
    },
    lecturers: {
      title: '讲师',
      spec: LECTURER_FIELDS,
      example: { id: '', name: '王秀英', topics: '党史、家风家训', formerSchoolId: 'tc-shiyan' },
      plan: (sheet, mapping) =>
        planLecturers(sheet, mapping, readSide.read.lecturers(), (id) => readSide.read.school(id) !== undefined),
    },
  };

  const router = express.Router();
  router.use(async (req, res: express.Response<unknown, Locals>, next) => {
    try {
      res.locals.actor = await authenticator.authenticate(req.get('authorization'));
    } catch (error) {
      if (!(error instanceof Unauthenticated)) return next(error);
      res.set('WWW-Authenticate', 'Bearer');
      return refuse(res, 401, 'UNAUTHENTICATED', error.message);
    }
    if (res.locals.actor.role !== 'organizer') return refuse(res, 403, 'FORBIDDEN', 'Only organizers import sheets');
    next();
  });

  const kindOf = (req: express.Request, res: express.Response) => {
    const kind = kinds[String(req.params.kind)];
    if (!kind) refuse(res, 404, 'NOT_FOUND', 'Imports are of schools or lecturers');
    return kind;
  };

  router.get('/:kind/template.xlsx', async (req, res) => {
    const kind = kindOf(req, res);
    if (!kind) return;
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`${req.params.kind}-template.xlsx`)
      .send(await templateWorkbook(kind.title, kind.spec, kind.example));
  });

  /** The file, its query and the plan; undefined once a refusal is sent. */
  const planned = async (req: express.Request, res: express.Response, kind: ImportKind) => {
    const query = ImportQuery.safeParse(req.query);
    if (!query.success) {
      const issue = query.error.issues[0];
      const field = String(issue?.path[0] ?? 'query');
      return void refuse(res, 400, 'BAD_USER_INPUT', `${field}: ${issue?.message}`, field);
    }
    if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
      return void refuse(res, 400, 'BAD_USER_INPUT', 'file: send the .xlsx or .csv as the request body', 'file');
    }
    let sheet: Sheet;
    try {
      sheet = await readSheet(req.body);
    } catch (error) {
      if (!(error instanceof UnreadableSheet)) throw error;
      return void refuse(res, 400, 'BAD_USER_INPUT', `file: ${error.message}`, 'file');
    }
    const mapping = query.data.mapping ?? suggestMapping(kind.spec, sheet.columns);
    const unknownField = Object.keys(mapping).find((field) => !(field in kind.spec.fields));
    if (unknownField) {
      const field = `mapping.${unknownField}`;
      return void refuse(res, 400, 'BAD_USER_INPUT', `${field}: no such field`, field);
    }
    const problems = mappingProblems(kind.spec, mapping, sheet);
    const rows = problems.length === 0 ? kind.plan(sheet, mapping, query.data.year) : [];
    return { query: query.data, sheet, mapping, problems, rows };
  };

  const file = express.raw({ type: () => true, limit: MAX_FILE_BYTES });

  router.post('/:kind/preview', file, async (req, res) => {
    const kind = kindOf(req, res);
    if (!kind) return;
    const plan = await planned(req, res, kind);
    if (!plan) return;
    const preview: ImportPreview = {
      columns: plan.sheet.columns,
      mapping: plan.mapping,
      mappingProblems: plan.problems,
      rows: plan.rows,
    };
    res.json(preview);
  });

  router.post('/:kind', file, async (req, res: express.Response<unknown, Locals>) => {
    const kind = kindOf(req, res);
    if (!kind) return;
    const plan = await planned(req, res, kind);
    if (!plan) return;
    const [problem] = plan.problems;
    if (problem) {
      const field = `mapping.${problem.field}`;
      return refuse(res, 400, 'BAD_USER_INPUT', `${field}: ${problem.message}`, field);
    }
    const valid = validRows(plan.rows);
    if (valid.length < plan.rows.length && plan.query.validOnly !== 'true') {
      return refuse(
        res,
        400,
        'BAD_USER_INPUT',
        `rows: ${plan.rows.length - valid.length} rows have errors; fix them or import the valid rows only (validOnly=true)`,
        'rows',
      );
    }
    const meta: CommandMeta = { actor: res.locals.actor, correlationId: randomUUID() };
    res.type('application/x-ndjson');
    const send = (line: ImportLine) => res.write(`${JSON.stringify(line)}\n`);
    send({ type: 'start', total: plan.rows.length, valid: valid.length });
    const counts = { applied: 0, unchanged: 0, failed: 0, skipped: plan.rows.length - valid.length };
    for (const row of valid) {
      if (req.socket.destroyed) break;
      if (row.actions.length === 0) {
        counts.unchanged++;
        send({ type: 'row', row: row.row, key: row.key, outcome: 'unchanged', commands: [] });
        continue;
      }
      try {
        for (const action of row.actions) await readSide.waitFor((await run(commands, action, meta)).position);
        counts.applied++;
        send({
          type: 'row',
          row: row.row,
          key: row.key,
          outcome: 'applied',
          commands: row.actions.map((a) => a.command),
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        counts.failed++;
        send({ type: 'row', row: row.row, key: row.key, outcome: 'failed', code: error.code, message: error.message });
      }
    }
    send({ type: 'done', ...counts });
    res.end();
  });

  // The body parser's refusals (a file over the limit, a broken upload) as this router's JSON, naming the file.
  router.use(((error, _req, res, next) => {
    const status = typeof error === 'object' && error !== null && 'status' in error ? Number(error.status) : 500;
    if (status < 400 || status >= 500 || res.headersSent) return next(error);
    const tooLarge = status === 413;
    const message = tooLarge ? `file: larger than ${MAX_FILE_BYTES / 1024 / 1024} MB` : 'file: cannot be read';
    refuse(res, status, 'BAD_REQUEST', message, 'file');
  }) satisfies express.ErrorRequestHandler);

  return router;
}

/** Runs one planned command; the domain checks its input again and decides, as it would for the mutation. */
function run(commands: Commands, action: Action, meta: CommandMeta) {
  switch (action.command) {
    case 'registerSchool':
      return commands.registerSchool(action.input, meta);
    case 'renameSchool':
      return commands.renameSchool(action.input, meta);
    case 'recordEnrollment':
      return commands.recordEnrollment(action.input, meta);
    case 'registerLecturer':
      return commands.registerLecturer(action.input, meta);
  }
}
