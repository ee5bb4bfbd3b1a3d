import { randomUUID } from 'node:crypto';
import { personalDataDueAt } from '@qingmiao/domain';
import type { ReadModelQueries } from '@qingmiao/projections';
import type { AccessLog } from './access-log.ts';
import type { Erasure, PersonalDataEraser } from './personal-data-erasure.ts';

const HOUR_MS = 3_600_000;
/** Who the log and the access log say expired a year's personal data. */
const RETENTION_ACTOR = 'qingmiao-retention';

/** A campaign year's personal data: how many entries carry it, when it is due to expire, and whether it has. */
export interface YearRetention {
  readonly year: number;
  readonly entries: number;
  readonly dueAt: Date;
  /** When it expired (its keys were destroyed); undefined while it is kept. */
  readonly expiredAt: Date | undefined;
}

export interface RetentionJobOptions {
  readonly eraser: PersonalDataEraser;
  readonly read: () => ReadModelQueries;
  readonly accessLog: AccessLog;
  /** QINGMIAO_PII_RETENTION_YEARS: whole years kept after a campaign year ends. */
  readonly retentionYears: number;
  readonly now?: () => Date;
  /** How often `start` runs (after a first run at once); 0 never repeats (tests call run()). */
  readonly everyMs?: number;
  /** Told when a run fails (the next one tries again). */
  readonly onError?: (error: unknown) => void;
}

/**
 * Retention: the personal data of a campaign year's entries is kept `retentionYears` whole years after that year,
 * then its keys are destroyed and PersonalDataExpired recorded; entries, awards and every figure remain. Runs once
 * the read models have caught up (before, a year's keys would not all be known), then every hour, and once a year
 * is due it is expired at the next run; a failed run is tried again at the next. Each run also deletes the files of
 * erasures and expiries that a crash or a storage outage left undeleted.
 */
export class RetentionJob {
  readonly #options: RetentionJobOptions;
  readonly #now: () => Date;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<Erasure[]> | undefined;
  #closed = false;

  constructor(options: RetentionJobOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
  }

  get retentionYears(): number {
    return this.#options.retentionYears;
  }

  /** Every campaign year with what it holds and when its personal data is due to expire, oldest first. */
  years(): YearRetention[] {
    return this.#options
      .read()
      .personalDataRetention()
      .map(({ year, entries, expiredAt }) => ({
        year,
        entries,
        dueAt: personalDataDueAt(year, this.#options.retentionYears),
        expiredAt: expiredAt === null ? undefined : new Date(expiredAt),
      }));
  }

  start(): void {
    if (this.#closed) return;
    const every = this.#options.everyMs ?? HOUR_MS;
    const onError = this.#options.onError ?? ((error: unknown) => process.emitWarning(`retention: ${error}`));
    const run = () => void this.run().catch(onError);
    if (every > 0) this.#timer = setInterval(run, every).unref();
    run();
  }

  /**
   * Expires every year that is due and not expired yet, then deletes erased files left undeleted; a run already under
   * way is joined, not repeated.
   */
  run(): Promise<Erasure[]> {
    this.#running ??= this.#run().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  async #run(): Promise<Erasure[]> {
    const { eraser, accessLog } = this.#options;
    const now = this.#now();
    const due = this.years().filter((year) => year.expiredAt === undefined && year.dueAt <= now);
    const done: Erasure[] = [];
    for (const { year } of due) {
      if (this.#closed) break;
      const meta = {
        actor: { sub: RETENTION_ACTOR, role: 'organizer' as const },
        correlationId: randomUUID(),
      };
      const erasure = await eraser.expireYear(year, meta);
      accessLog.record({ actor: RETENTION_ACTOR, action: 'ERASE', subject: erasure.subject });
      done.push(erasure);
    }
    if (!this.#closed) await eraser.deleteErasedFiles();
    return done;
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#running?.catch(() => undefined);
  }
}
