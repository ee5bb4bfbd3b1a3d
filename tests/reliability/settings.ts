/** How the reliability tests run. */

/** Whether the long versions run (60 s of load, ten crash rounds, more fuzzing): `QINGMIAO_LONG=1`. */
export const LONG = process.env.QINGMIAO_LONG === '1';

/**
 * The server environment under test: warnings only (a line per request would flood the logs under load) and a
 * rate limits no test reaches (the clients all come from 127.0.0.1).
 */
export const RELIABILITY_ENV: Readonly<Record<string, string>> = {
  QINGMIAO_LOG_LEVEL: 'warn',
  QINGMIAO_RATE_LIMIT: '1000000',
  QINGMIAO_ANON_RATE_LIMIT: '1000000',
};
