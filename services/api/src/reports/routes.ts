import { type AsOfReplayer, type ParticipationQuestion, type ReadSide, ReplaysBusy } from '@qingmiao/projections';
import { type Actor, DateTime, Id, ParticipationGrouping, Year } from '@qingmiao/schema';
import express from 'express';
import { z } from 'zod';
import type { AccessLog } from '../access-log.ts';
import { type Authenticator, Unauthenticated } from '../auth.ts';
import { awardsCounted } from '../graphql/entry-access.ts';
import { yearFigures } from '../year-figures.ts';
import { participationCsv, participationWorkbook } from './participation-report.ts';
import { winnersWorkbook } from './winners-report.ts';

const ReportQuery = z.object({
  year: z.coerce.number().pipe(Year),
  groupBy: ParticipationGrouping.default('SCHOOL'),
  campaignId: Id.optional(),
  asOf: DateTime.optional(),
});

const WinnersQuery = ReportQuery.pick({ year: true, campaignId: true });

/** What the authentication step leaves for the routes. */
type Locals = { actor: Actor };

/**
 * `/reports/participation.{xlsx,csv}`: the same figures as GraphQL `participation`; `/reports/winners.xlsx`: the
 * same rows as GraphQL `winners`; both with the same bearer token. Every download is in the access log (the path
 * without its query) before it is sent.
 */
export function reportRoutes(
  authenticator: Authenticator,
  readSide: ReadSide,
  pastFigures: AsOfReplayer,
  accessLog: AccessLog,
): express.Router {
  const router = express.Router();

  router.use(async (req, res: express.Response<unknown, Locals>, next) => {
    try {
      res.locals.actor = await authenticator.authenticate(req.get('authorization'));
      next();
    } catch (error) {
      if (!(error instanceof Unauthenticated)) return next(error);
      res
        .status(401)
        .set('WWW-Authenticate', 'Bearer')
        .json({ error: { code: 'UNAUTHENTICATED', message: error.message } });
    }
  });

  const parse = <S extends z.ZodType>(req: express.Request, res: express.Response, schema: S) => {
    const query = schema.safeParse(req.query);
    if (query.success) return query.data;
    const issue = query.error.issues[0];
    const field = issue?.path.join('.') || 'query';
    res.status(400).json({ error: { code: 'BAD_USER_INPUT', field, message: `${field}: ${issue?.message}` } });
    return undefined;
  };
  const parseReport = (req: express.Request, res: express.Response) => parse(req, res, ReportQuery);

  /** The download, and the entries whose participants' names it carries, in one commit. */
  const recordExport = (req: express.Request, actor: Actor, namedEntries: readonly string[] = []) => {
    const by = { actor: actor.sub, role: actor.role, address: req.ip };
    accessLog.recordAll([
      { ...by, action: 'EXPORT', subject: req.baseUrl + req.path },
      ...namedEntries.map((subject) => ({ ...by, action: 'READ_PARTICIPANTS' as const, subject })),
    ]);
  };

  /** The figures the reader may see: awards of unpublished campaigns are counted for organizers only. */
  const figures = (
    memoKey: string,
    actor: Actor,
    { year, asOf }: z.infer<typeof ReportQuery>,
    questions: readonly Omit<ParticipationQuestion, 'awards'>[],
  ) => {
    const awards = awardsCounted(actor);
    return yearFigures(
      { readSide, pastFigures },
      { year, asOf: asOf ? new Date(asOf) : undefined, memoKey: `${memoKey}:${awards}` },
      questions.map((question) => ({ ...question, awards })),
    );
  };

  router.get('/participation.csv', async (req, res: express.Response<unknown, Locals>) => {
    const query = parseReport(req, res);
    if (!query) return;
    const [rows = []] = await figures(`csv:${JSON.stringify(query)}`, res.locals.actor, query, [
      { groupBy: query.groupBy, campaignId: query.campaignId },
    ]);
    recordExport(req, res.locals.actor);
    res
      .type('text/csv; charset=utf-8')
      .attachment(`participation-${query.year}-${query.groupBy.toLowerCase()}.csv`)
      .send(participationCsv(query.groupBy, rows));
  });

  router.get('/participation.xlsx', async (req, res: express.Response<unknown, Locals>) => {
    const query = parseReport(req, res);
    if (!query) return;
    const groupings = ParticipationGrouping.options;
    const answers = await figures(
      `xlsx:${JSON.stringify(query)}`,
      res.locals.actor,
      query,
      groupings.map((groupBy) => ({ groupBy, campaignId: query.campaignId })),
    );
    const sheets = groupings.map((grouping, i) => ({ grouping, rows: answers[i] ?? [] }));
    const title = `${query.year}年关工委活动参与情况统计${query.asOf ? `(截至${query.asOf})` : ''}`;
    const workbook = await participationWorkbook(title, sheets);
    recordExport(req, res.locals.actor);
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`participation-${query.year}.xlsx`)
      .send(workbook);
  });

  /**
   * The winners list: organizers get every award with the participants' names (each entry's names recorded as read
   * in the access log); everyone else only the awards of campaigns whose results are published, without names
   * (children's names are for the office).
   */
  router.get('/winners.xlsx', async (req, res: express.Response<unknown, Locals>) => {
    const query = parse(req, res, WinnersQuery);
    if (!query) return;
    const { actor } = res.locals;
    const awards = awardsCounted(actor);
    const rows = readSide.memo(`winners:${query.year}:${query.campaignId ?? ''}:${awards}`, (models) =>
      models.winners(query.year, query.campaignId, awards),
    );
    const participants = actor.role === 'organizer';
    const workbook = await winnersWorkbook(`${query.year}年关工委活动获奖名单`, rows, { participants });
    recordExport(req, actor, participants ? rows.map((row) => row.entryId) : []);
    res
      .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .attachment(`winners-${query.year}${query.campaignId ? `-${query.campaignId}` : ''}.xlsx`)
      .send(workbook);
  });

  router.use(((error, _req, res, next) => {
    if (!(error instanceof ReplaysBusy)) return next(error);
    res
      .status(503)
      .set('Retry-After', String(error.retryAfterSeconds))
      .json({ error: { code: error.code, message: error.message } });
  }) satisfies express.ErrorRequestHandler);

  return router;
}
