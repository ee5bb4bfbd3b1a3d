import ms from 'ms';
import { z } from 'zod';

const DURATION = 'must be a duration like 8h or 30d';

/** A lifetime such as `8h`, `30d` or `2 weeks` (a unit is required: a bare number would be milliseconds), in seconds. */
export const Duration = z.string().transform((text, context) => {
  // ms returns undefined for an unknown unit and throws for an empty string.
  const millis: number | undefined = /^\d+(\.\d+)? *[a-z]+$/i.test(text) ? ms(text as ms.StringValue) : undefined;
  if (millis === undefined || !(millis >= 1000)) {
    context.issues.push({ code: 'custom', message: DURATION, input: text });
    return z.NEVER;
  }
  return Math.floor(millis / 1000);
});

/** Seconds as the largest whole unit (`30d`, `36h`, `90s`): exact, unlike ms's rounded format. */
export function durationText(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const) {
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}

const Config = z.object({
  NODE_ENV: z.string().optional(),
  QINGMIAO_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  QINGMIAO_HOST: z.string().default('0.0.0.0'),
  QINGMIAO_DATA_DIR: z.string().min(1).default('./data'),
  QINGMIAO_EVENT_STORE: z.string().default('sqlite'),
  QINGMIAO_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  QINGMIAO_GRAPHIQL: z.enum(['true', 'false']).optional(),
  QINGMIAO_RATE_LIMIT: z.coerce.number().int().positive().default(1200),
  QINGMIAO_ANON_RATE_LIMIT: z.coerce.number().int().positive().default(60),
  QINGMIAO_REPLAY_CONCURRENCY: z.coerce.number().int().positive().default(1),
  QINGMIAO_REPLAY_QUEUE: z.coerce.number().int().min(0).default(8),
  QINGMIAO_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((list) =>
      list
        .split(',')
        .map((origin) => origin.trim())
        .filter((origin) => origin !== ''),
    )
    .pipe(
      z.array(
        z.string().refine((origin) => URL.canParse(origin) && new URL(origin).origin === origin, {
          message: 'must list exact origins like https://portal.example.org, separated by commas',
        }),
      ),
    ),
  QINGMIAO_HEADERS_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  QINGMIAO_REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  QINGMIAO_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb')
    .default('256kb'),
  QINGMIAO_MAX_TOKEN_LIFETIME: Duration.prefault('30d'),
  QINGMIAO_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QINGMIAO_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  QINGMIAO_ACCESS_LOG_DAYS: z.coerce.number().int().positive().default(180),
  QINGMIAO_ACCESS_LOG_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(20),
  QINGMIAO_SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().positive().default(30),
});

export interface QingmiaoConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStore: string;
  readonly authSecret: string | undefined;
  readonly production: boolean;
  readonly logLevel: z.infer<typeof Config>['QINGMIAO_LOG_LEVEL'];
  /** GraphiQL and introspection: on in development, off in production unless QINGMIAO_GRAPHIQL=true. */
  readonly graphiql: boolean;
  /** Requests per minute per verified identity (role, subject, session). */
  readonly rateLimitPerMinute: number;
  /** Requests per minute per address without a valid token (none, refused or expired). */
  readonly anonymousRateLimitPerMinute: number;
  /** As-of replays running at once, and waiting beyond those before requests are refused as BUSY. */
  readonly replays: { readonly concurrency: number; readonly maxWaiting: number };
  /** Origins other than the server's own that browsers may call the API from (CORS); none by default. */
  readonly corsOrigins: readonly string[];
  /** How long a client may take to send a request's headers, and the whole request, before it is cut off. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly bodyLimit: string;
  /**
   * Bearer token `/metrics` demands when set; unset, `/metrics` is open in development and served only to local
   * callers in production.
   */
  readonly metricsToken: string | undefined;
  /** Longest accepted token lifetime (exp − iat), in seconds. */
  readonly maxTokenLifetime: number;
  /** Days access-log entries are kept; failed sign-ins recorded one by one per minute (more are only counted). */
  readonly accessLog: { readonly retentionDays: number; readonly failuresPerMinute: number };
  /** Sign-in attempts per client address and minute. */
  readonly signInAttemptsPerMinute: number;
}

/** Reads the configuration from the environment, refusing bad values with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QingmiaoConfig {
  const parsed = Config.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Configuration: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const c = parsed.data;
  if (c.QINGMIAO_HEADERS_TIMEOUT_MS > c.QINGMIAO_REQUEST_TIMEOUT_MS) {
    throw new Error('Configuration: QINGMIAO_HEADERS_TIMEOUT_MS must not exceed QINGMIAO_REQUEST_TIMEOUT_MS');
  }
  const production = c.NODE_ENV === 'production';
  return {
    port: c.QINGMIAO_PORT,
    host: c.QINGMIAO_HOST,
    dataDir: c.QINGMIAO_DATA_DIR,
    eventStore: c.QINGMIAO_EVENT_STORE,
    authSecret: c.QINGMIAO_AUTH_SECRET,
    production,
    logLevel: c.QINGMIAO_LOG_LEVEL,
    graphiql: c.QINGMIAO_GRAPHIQL === undefined ? !production : c.QINGMIAO_GRAPHIQL === 'true',
    rateLimitPerMinute: c.QINGMIAO_RATE_LIMIT,
    anonymousRateLimitPerMinute: c.QINGMIAO_ANON_RATE_LIMIT,
    replays: { concurrency: c.QINGMIAO_REPLAY_CONCURRENCY, maxWaiting: c.QINGMIAO_REPLAY_QUEUE },
    corsOrigins: c.QINGMIAO_CORS_ORIGINS,
    headersTimeoutMs: c.QINGMIAO_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: c.QINGMIAO_REQUEST_TIMEOUT_MS,
    bodyLimit: c.QINGMIAO_BODY_LIMIT,
    metricsToken: c.QINGMIAO_METRICS_TOKEN,
    maxTokenLifetime: c.QINGMIAO_MAX_TOKEN_LIFETIME,
    accessLog: {
      retentionDays: c.QINGMIAO_ACCESS_LOG_DAYS,
      failuresPerMinute: c.QINGMIAO_ACCESS_LOG_FAILURES_PER_MINUTE,
    },
    signInAttemptsPerMinute: c.QINGMIAO_SIGN_IN_ATTEMPTS_PER_MINUTE,
  };
}
