import { z } from 'zod';

const Config = z.object({
  NODE_ENV: z.string().optional(),
  QINGMIAO_PORT: z.coerce.number().int().min(0).max(65_535).default(4000),
  QINGMIAO_HOST: z.string().default('0.0.0.0'),
  QINGMIAO_DATA_DIR: z.string().min(1).default('./data'),
  QINGMIAO_EVENT_STORE: z.string().default('sqlite'),
  QINGMIAO_AUTH_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  QINGMIAO_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface QingmiaoConfig {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly eventStore: string;
  readonly authSecret: string | undefined;
  readonly production: boolean;
  readonly logLevel: z.infer<typeof Config>['QINGMIAO_LOG_LEVEL'];
}

/** Reads the configuration from the environment, refusing bad values with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): QingmiaoConfig {
  const parsed = Config.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Configuration: ${issue?.path.join('.')} ${issue?.message}`);
  }
  const c = parsed.data;
  return {
    port: c.QINGMIAO_PORT,
    host: c.QINGMIAO_HOST,
    dataDir: c.QINGMIAO_DATA_DIR,
    eventStore: c.QINGMIAO_EVENT_STORE,
    authSecret: c.QINGMIAO_AUTH_SECRET,
    production: c.NODE_ENV === 'production',
    logLevel: c.QINGMIAO_LOG_LEVEL,
  };
}
