import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { freePort, ROOT, sleep } from './server-process.ts';

/**
 * Debian's nginx (CI installs it; tests skip, saying why, where it is missing) started as an unprivileged process in
 * front of a server, with the repository's deploy/nginx/qingmiao.conf.template rendered for the test's ports and a
 * self-signed certificate made by the openssl CLI for `qingmiao.test` and 127.0.0.1.
 */

export const NGINX = '/usr/sbin/nginx';
/** Debian's openssl CLI (package openssl, which .ci/run installs), for the test's certificate. */
const OPENSSL = '/usr/bin/openssl';
export const HAS_NGINX = existsSync(NGINX);
/** Debian's brotli filter module (libnginx-mod-http-brotli-filter), which deploy/nginx/brotli.conf needs. */
const BROTLI_MODULE = '/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so';
export const HAS_BROTLI = existsSync(BROTLI_MODULE);

export const TEMPLATE = join(ROOT, 'deploy', 'nginx', 'qingmiao.conf.template');
const BROTLI_CONF = join(ROOT, 'deploy', 'nginx', 'brotli.conf');
export const SERVER_NAME = 'qingmiao.test';

/** nobody: a root test run hands nginx to it, so nginx never runs privileged. */
const UNPRIVILEGED = 65_534;

export interface RunningNginx {
  readonly httpsPort: number;
  readonly httpPort: number;
  /** The self-signed certificate, for clients to trust. */
  readonly certificate: Buffer;
  /** What nginx wrote to its error log so far. */
  errorLog(): string;
  stop(): Promise<void>;
}

/** The template with each `${NAME}` replaced; fails on a placeholder it was not given, or one given and absent. */
function renderTemplate(template: string, values: Readonly<Record<string, string>>): string {
  for (const name of Object.keys(values)) {
    if (!template.includes(`\${${name}}`)) throw new Error(`the template has no \${${name}}`);
  }
  const rendered = template.replace(/\$\{(\w+)\}/g, (placeholder, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for ${placeholder}`);
    return value;
  });
  return rendered;
}

function chownAll(dir: string): void {
  chownSync(dir, UNPRIVILEGED, UNPRIVILEGED);
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    chownSync(join(dir, entry), UNPRIVILEGED, UNPRIVILEGED);
  }
}

/** Resolves once nginx completes a TLS handshake on `port`. */
async function handshakes(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Renders the site for `upstream` (host:port of a started server) and starts nginx on two free ports of 127.0.0.1,
 * with the brotli module and deploy/nginx/brotli.conf when the module is installed.
 */
export async function startNginx(upstream: string): Promise<RunningNginx> {
  const dir = mkdtempSync(join(tmpdir(), 'qingmiao-nginx-'));
  execFileSync(
    OPENSSL,
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      `/CN=${SERVER_NAME}`,
      '-addext',
      `subjectAltName=DNS:${SERVER_NAME},IP:127.0.0.1`,
      '-keyout',
      join(dir, 'privkey.pem'),
      '-out',
      join(dir, 'fullchain.pem'),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const [httpsPort, httpPort] = [await freePort(), await freePort()];
  const site = renderTemplate(readFileSync(TEMPLATE, 'utf8'), {
    SERVER_NAME,
    HTTPS_LISTEN: `127.0.0.1:${httpsPort}`,
    HTTP_LISTEN: `127.0.0.1:${httpPort}`,
    TLS_CERTIFICATE: join(dir, 'fullchain.pem'),
    TLS_CERTIFICATE_KEY: join(dir, 'privkey.pem'),
    QINGMIAO_UPSTREAM: upstream,
  });
  writeFileSync(join(dir, 'qingmiao.conf'), site);
  for (const temp of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, temp));
  const errorLog = join(dir, 'error.log');
  // What Debian's /etc/nginx/nginx.conf provides around a site, with every path the test's own.
  writeFileSync(
    join(dir, 'nginx.conf'),
    [
      ...(HAS_BROTLI ? [`load_module ${BROTLI_MODULE};`] : []),
      `pid ${join(dir, 'nginx.pid')};`,
      `error_log ${errorLog} info;`,
      'worker_processes 1;',
      'events { worker_connections 256; }',
      'http {',
      '  include /etc/nginx/mime.types;',
      '  default_type application/octet-stream;',
      `  access_log ${join(dir, 'access.log')};`,
      ...['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (temp) => `  ${temp === 'body' ? 'client_body' : temp}_temp_path ${join(dir, temp)};`,
      ),
      ...(HAS_BROTLI ? [`  include ${BROTLI_CONF};`] : []),
      `  include ${join(dir, 'qingmiao.conf')};`,
      '}',
      '',
    ].join('\n'),
  );
  const root = process.getuid?.() === 0;
  if (root) chownAll(dir);
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', errorLog];
  const asUser = root ? { uid: UNPRIVILEGED, gid: UNPRIVILEGED } : {};
  // `nginx -t` first: a configuration error is reported as nginx words it.
  execFileSync(NGINX, [...args, '-t', '-q'], { ...asUser, stdio: ['ignore', 'ignore', 'pipe'] });
  const child: ChildProcess = spawn(NGINX, [...args, '-g', 'daemon off;'], {
    ...asUser,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('nginx did not start');
  const readLog = () => (existsSync(errorLog) ? readFileSync(errorLog, 'utf8') : '') + stderr;
  const stop = async () => {
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await exit;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 20_000;
  while (!(await handshakes(httpsPort))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(`nginx did not come up:\n${readLog()}`);
    }
    await sleep(50);
  }
  return {
    httpsPort,
    httpPort,
    certificate: readFileSync(join(dir, 'fullchain.pem')),
    errorLog: readLog,
    stop,
  };
}
