import ms from 'ms';
import proxyAddr from 'proxy-addr';
import { z } from 'zod';
import { type FilesLocation, FilesSetting } from './files/files-setting.ts';

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

const SIZE_UNITS = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

/** A size such as `50mb` or `1gb` (powers of 1024, like QINGMIAO_BODY_LIMIT), or a bare number of bytes. */
const Size = z
  .string()
  .regex(/^\d+(b|kb|mb|gb)?$/i, 'must be a size like 50mb')
  .transform((text) => {
    const [, amount = '0', unit = 'b'] = /^(\d+)([a-z]*)$/i.exec(text) ?? [];
    return Number(amount) * SIZE_UNITS[(unit.toLowerCase() || 'b') as keyof typeof SIZE_UNITS];
  })
  .pipe(z.number().int().positive('must be more than 0'));

const TRUST_PROXY =
  'must be a hop count like 1, or proxy addresses like 127.0.0.1,10.0.0.0/8 (or loopback) separated by commas';

/**
 * Which peers are reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: none (unset or 0), a hop
 * count, or addresses, CIDR ranges and proxy-addr's names (loopback, linklocal, uniquelocal). As express's
 * `trust proxy` takes it, and checked by the same parser (proxy-addr); `true` (everyone) is refused, since it lets any
 * client name its own address and so step around the per-address limits.
 */
const TrustProxy = z
  .string()
  .default('')
  .transform((text, context): false | number | string[] => {
    const setting = text.trim();
    if (/^\d+$/.test(setting)) return Number(setting) > 0 && Number(setting);
    const proxies = setting
      .split(',')
      .map((proxy) => proxy.trim())
      .filter((proxy) => proxy !== '');
    if (proxies.length === 0) return false;
    try {
      proxyAddr.compile(proxies);
    } catch (error) {
      context.issues.push({
        code: 'custom',
        message: `${TRUST_PROXY} (${error instanceof Error ? error.message : String(error)})`,
        input: text,
      });
      return z.NEVER;
    }
    return proxies;
  });

const Config = z.object({
  NODE_ENV: z.string().optional(),
  QINGMIAO_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  QINGMIAO_HOST: z.string().default('0.0.0.0'),
  QINGMIAO_DATA_DIR: z.string().min(1).default('./data'),
  QINGMIAO_EVENT_STORE: z.string().default('sqlite'),
  QINGMIAO_FILES: FilesSetting,
  QINGMIAO_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  QINGMIAO_MASTER_KEY: z
    .string()
    .regex(/^([0-9a-f]{64}|[A-Za-z0-9+/]{43}=)$/i, 'must be 32 random bytes as base64 or hex (openssl rand -base64 32)')
    .optional(),
  QINGMIAO_KEY_STORE: z.string().min(1).optional(),
  QINGMIAO_GRAPHIQL: z.enum(['true', 'false']).optional(),
  QINGMIAO_RATE_LIMIT: z.coerce.number().int().positive().default(1200),
  QINGMIAO_ANON_RATE_LIMIT: z.coerce.number().int().positive().default(60),
  QINGMIAO_REPLAY_CONCURRENCY: z.coerce.number().int().positive().default(1),
  QINGMIAO_REPLAY_QUEUE: z.coerce.number().int().min(0).default(8),
  QINGMIAO_TRUST_PROXY: TrustProxy,
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
  QINGMIAO_SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(20_000),
  QINGMIAO_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, 'must look like 100kb')
    .default('256kb'),
  QINGMIAO_MAX_TOKEN_LIFETIME: Duration.prefault('30d'),
  QINGMIAO_UPLOAD_LIMIT: Size.prefault('50mb'),
  QINGMIAO_UPLOAD_BUDGET: Size.prefault('1gb'),
  QINGMIAO_UPLOAD_TIMEOUT_MS: z.coerce.number().int().positive().default(600_000),
  QINGMIAO_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QINGMIAO_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  // Three years (with a leap day): how long a record of who read children's data is kept.
  QINGMIAO_ACCESS_LOG_DAYS: z.coerce.number().int().positive().default(1096),
  QINGMIAO_PII_RETENTION_YEARS: z.coerce.number().int().positive().max(100).default(3),
  QINGMIAO_ACCESS_LOG_FAILURES_PER_MINUTE: z.coerce.number().int().positive().default(20),
  QINGMIAO_SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().positive().default(30),
  QINGMIAO_PUBLIC_URL: z
    .string()
    .refine((url) => /^https?:$/.test(URL.canParse(url) ? new URL(url).protocol : '') && !/[?#]/.test(url), {
      message: 'must be the address browsers use, like https://qingmiao.example.org (no query or fragment)',
    })
    .transform((url) => url.replace(/\/+$/, ''))
    .optional(),
  QINGMIAO_OIDC_ISSUER: z
    .string()
    .refine((url) => /^https?:$/.test(URL.canParse(url) ? new URL(url).protocol : ''), {
      message: "must be the provider's issuer URL, like https://sso.example.org/realms/bureau",
    })
    .optional(),
  QINGMIAO_OIDC_CLIENT_ID: z.string().min(1, 'must not be empty').optional(),
  QINGMIAO_OIDC_CLIENT_SECRET: z.string().min(1, 'must not be empty').optional(),
  QINGMIAO_OIDC_LOGIN_CLAIM: z
    .string()
    .regex(/^[A-Za-z_][\w.:-]*$/, 'must be a claim name like preferred_username or email')
    .optional(),
});

/** Settings of single sign-on that must be given together: one alone is a mistake, not a partial setup. */
const OIDC_SETTINGS = ['QINGMIAO_OIDC_ISSUER', 'QINGMIAO_OIDC_CLIENT_ID', 'QINGMIAO_OIDC_CLIENT_SECRET'] as const;

/** Single sign-on with the bureau's OpenID provider (authorization code flow with PKCE). */
export interface OidcConfig {
  readonly issuer: URL;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The ID token or userinfo claim that holds the account's login (compared in lowercase). */
  readonly loginClaim: string;
  /** Where the provider sends the browser back: QINGMIAO_PUBLIC_URL + /auth/oidc/callback, registered there. */
  readonly redirectUri: string;
}

export interface QingmiaoConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStore: string;
  /** Where uploaded files are kept (QINGMIAO_FILES): the data dir's `files` folder, or an S3-compatible bucket. */
  readonly files: FilesLocation;
  readonly authSecret: string | undefined;
  /** Wraps the data keys that seal participants' personal data (QINGMIAO_MASTER_KEY; generated in development). */
  readonly masterKey: string | undefined;
  /**
   * Where the data keys live (QINGMIAO_KEY_STORE: `sqlite`, `sqlite:PATH` or a KurrentDB connection string); by
   * default beside the log: the data dir's keys.db, or the KurrentDB server that holds the log.
   */
  readonly keyStore: string | undefined;
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
  /**
   * The reverse proxies in front (express's `trust proxy`): false (none, the default), a hop count, or addresses and
   * ranges. Client addresses (`req.ip`) and the scheme (`req.secure`) come from their X-Forwarded-* headers.
   */
  readonly trustProxy: false | number | readonly string[];
  /** Origins other than the server's own that browsers may call the API from (CORS); none by default. */
  readonly corsOrigins: readonly string[];
  /** How long a client may take to send a request's headers, and the whole request, before it is cut off. */
  readonly headersTimeoutMs: number;
  readonly requestTimeoutMs: number;
  /**
   * How long a stop (SIGTERM, SIGINT) waits for requests in flight before cutting them off; systemd's
   * TimeoutStopSec must leave room beyond it for closing the store.
   */
  readonly shutdownTimeoutMs: number;
  readonly bodyLimit: string;
  /**
   * Bytes: the largest file one upload may carry, and what one account may upload per hour; how long an upload
   * request may take (instead of requestTimeoutMs: 50 MB in 10 minutes is 85 KB/s).
   */
  readonly uploads: { readonly limit: number; readonly budgetPerHour: number; readonly timeoutMs: number };
  /**
   * Bearer token `/metrics` demands when set; unset, `/metrics` is open in development and served only to local
   * callers in production.
   */
  readonly metricsToken: string | undefined;
  /** Longest accepted token lifetime (exp − iat), in seconds. */
  readonly maxTokenLifetime: number;
  /** Days access-log entries are kept; failed sign-ins recorded one by one per minute (more are only counted). */
  readonly accessLog: { readonly retentionDays: number; readonly failuresPerMinute: number };
  /** Whole years the personal data of a campaign year's entries is kept after that year (QINGMIAO_PII_RETENTION_YEARS). */
  readonly piiRetentionYears: number;
  /** Sign-in attempts per client address and minute. */
  readonly signInAttemptsPerMinute: number;
  /** Single sign-on, when QINGMIAO_OIDC_* are set. */
  readonly oidc: OidcConfig | undefined;
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
  const oidc = oidcConfig(c, production);
  return {
    port: c.QINGMIAO_PORT,
    host: c.QINGMIAO_HOST,
    dataDir: c.QINGMIAO_DATA_DIR,
    eventStore: c.QINGMIAO_EVENT_STORE,
    files: c.QINGMIAO_FILES,
    authSecret: c.QINGMIAO_AUTH_SECRET,
    masterKey: c.QINGMIAO_MASTER_KEY,
    keyStore: c.QINGMIAO_KEY_STORE,
    production,
    logLevel: c.QINGMIAO_LOG_LEVEL,
    graphiql: c.QINGMIAO_GRAPHIQL === undefined ? !production : c.QINGMIAO_GRAPHIQL === 'true',
    rateLimitPerMinute: c.QINGMIAO_RATE_LIMIT,
    anonymousRateLimitPerMinute: c.QINGMIAO_ANON_RATE_LIMIT,
    replays: { concurrency: c.QINGMIAO_REPLAY_CONCURRENCY, maxWaiting: c.QINGMIAO_REPLAY_QUEUE },
    trustProxy: c.QINGMIAO_TRUST_PROXY,
    corsOrigins: c.QINGMIAO_CORS_ORIGINS,
    headersTimeoutMs: c.QINGMIAO_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: c.QINGMIAO_REQUEST_TIMEOUT_MS,
    shutdownTimeoutMs: c.QINGMIAO_SHUTDOWN_TIMEOUT_MS,
    bodyLimit: c.QINGMIAO_BODY_LIMIT,
    uploads: {
      limit: c.QINGMIAO_UPLOAD_LIMIT,
      budgetPerHour: c.QINGMIAO_UPLOAD_BUDGET,
      timeoutMs: c.QINGMIAO_UPLOAD_TIMEOUT_MS,
    },
    metricsToken: c.QINGMIAO_METRICS_TOKEN,
    maxTokenLifetime: c.QINGMIAO_MAX_TOKEN_LIFETIME,
    piiRetentionYears: c.QINGMIAO_PII_RETENTION_YEARS,
    accessLog: {
      retentionDays: c.QINGMIAO_ACCESS_LOG_DAYS,
      failuresPerMinute: c.QINGMIAO_ACCESS_LOG_FAILURES_PER_MINUTE,
    },
    signInAttemptsPerMinute: c.QINGMIAO_SIGN_IN_ATTEMPTS_PER_MINUTE,
    oidc,
  };
}

/** The OIDC settings given all together, or none (the login claim alone counts as a setting too). */
function oidcConfig(c: z.infer<typeof Config>, production: boolean): OidcConfig | undefined {
  const given = OIDC_SETTINGS.filter((name) => c[name] !== undefined);
  const claim = c.QINGMIAO_OIDC_LOGIN_CLAIM;
  if (given.length === 0 && claim === undefined) return undefined;
  const { QINGMIAO_OIDC_ISSUER: issuer, QINGMIAO_OIDC_CLIENT_ID: clientId, QINGMIAO_OIDC_CLIENT_SECRET: secret } = c;
  if (issuer === undefined || clientId === undefined || secret === undefined) {
    const missing = OIDC_SETTINGS.filter((name) => c[name] === undefined).join(', ');
    const set = [...given, ...(claim === undefined ? [] : ['QINGMIAO_OIDC_LOGIN_CLAIM'])].join(', ');
    throw new Error(
      `Configuration: ${missing} missing (single sign-on needs ${OIDC_SETTINGS.join(', ')} together; set: ${set})`,
    );
  }
  const publicUrl = c.QINGMIAO_PUBLIC_URL;
  if (publicUrl === undefined) {
    throw new Error(
      'Configuration: QINGMIAO_PUBLIC_URL missing (single sign-on builds its redirect URI from it, e.g. https://qingmiao.example.org)',
    );
  }
  // Outside production a provider on this machine may speak plain HTTP (tests, trials); the bureau's may not.
  if (production && new URL(issuer).protocol !== 'https:') {
    throw new Error('Configuration: QINGMIAO_OIDC_ISSUER must be an https URL when NODE_ENV=production');
  }
  if (production && new URL(publicUrl).protocol !== 'https:') {
    throw new Error(
      'Configuration: QINGMIAO_PUBLIC_URL must be an https URL when NODE_ENV=production (the sign-in cookie is Secure)',
    );
  }
  return {
    issuer: new URL(issuer),
    clientId,
    clientSecret: secret,
    loginClaim: claim ?? 'preferred_username',
    redirectUri: `${publicUrl}/auth/oidc/callback`,
  };
}
