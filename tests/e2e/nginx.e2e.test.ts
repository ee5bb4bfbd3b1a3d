import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { connect as http2Connect, type IncomingHttpHeaders } from 'node:http2';
import { request } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import { loadConfig } from '@qingmiao/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  HAS_BROTLI,
  HAS_NGINX,
  NGINX,
  type RunningNginx,
  SERVER_NAME,
  startNginx,
  TEMPLATE,
} from '../support/nginx.ts';
import { killAll, removeDataDir, type ServerProcess, startServerProcess } from '../support/server-process.ts';

/**
 * deploy/nginx/qingmiao.conf.template in Debian's nginx, in front of a started server that trusts it
 * (QINGMIAO_TRUST_PROXY=127.0.0.1), spoken to over HTTPS as browsers would: TLS and HTTP/2, the Secure sign-in
 * cookie, live subscription events, uploads up to the limit and not beyond, compressed and long-cached assets, and
 * per-address limits that see each client (127.0.0.1 and 127.0.0.2 here) rather than nginx.
 */

const ANONYMOUS_PER_MINUTE = 3;
const MiB = 1024 * 1024;

let server: ServerProcess;
let nginx: RunningNginx;

/** One HTTP/1.1 exchange over TLS, on a connection of its own from `from`. */
interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

interface Sent {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer | string;
  /** The client's address: any of 127.0.0.0/8 reaches nginx on 127.0.0.1. */
  readonly from?: string;
  /** Over HTTP/2, as browsers speak to nginx, rather than HTTP/1.1. */
  readonly http2?: boolean;
}

function send(path: string, sent: Sent = {}): Promise<Answer> {
  return sent.http2 ? sendOverHttp2(path, sent) : sendOverHttp1(path, sent);
}

async function sendOverHttp2(path: string, { method = 'GET', headers = {}, body }: Sent): Promise<Answer> {
  const session = http2Connect(`https://127.0.0.1:${nginx.httpsPort}`, {
    ca: nginx.certificate,
    servername: SERVER_NAME,
  });
  try {
    return await new Promise<Answer>((resolve, reject) => {
      const stream = session.request({ ':method': method, ':path': path, ':authority': SERVER_NAME, ...headers });
      stream.once('error', reject);
      stream.once('response', (received) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.once('end', () =>
          resolve({
            status: Number(received[':status']),
            headers: received,
            body: Buffer.concat(chunks).toString('latin1'),
          }),
        );
      });
      stream.end(body);
    });
  } finally {
    session.close();
  }
}

function sendOverHttp1(
  path: string,
  { method = 'GET', headers = {}, body, from = '127.0.0.1' }: Sent,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const sent = request(
      {
        host: '127.0.0.1',
        port: nginx.httpsPort,
        servername: SERVER_NAME,
        ca: nginx.certificate,
        localAddress: from,
        agent: false,
        method,
        path,
        headers: {
          host: SERVER_NAME,
          ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
          ...headers,
        },
      },
      (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('latin1'),
          }),
        );
        response.on('error', reject);
      },
    );
    // nginx may answer a refused upload (413) and close while the body is still going out.
    sent.on('error', (error) => {
      if (!answered) reject(error);
    });
    sent.end(body);
  });
}

interface GraphQLAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: ReadonlyArray<{ message: string; extensions?: { code?: string; field?: string } }>;
}

async function postGraphQL(
  query: string,
  variables: Record<string, unknown> = {},
  { token, from, headers = {} }: { token?: string; from?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLAnswer> {
  const answer = await send('/graphql', {
    method: 'POST',
    from,
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: answer.status, headers: answer.headers, ...JSON.parse(answer.body) };
}

beforeAll(async () => {
  if (!HAS_NGINX) return;
  server = await startServerProcess({
    env: { QINGMIAO_TRUST_PROXY: '127.0.0.1', QINGMIAO_ANON_RATE_LIMIT: String(ANONYMOUS_PER_MINUTE) },
    startTimeoutMs: 180_000,
  });
  nginx = await startNginx(new URL(server.url).host);
}, 240_000);

afterAll(async () => {
  await nginx?.stop();
  await server?.stop();
  await killAll();
  if (server) removeDataDir(server.dataDir);
});

describe.skipIf(!HAS_NGINX)(`nginx in front of the server (${NGINX}, deploy/nginx)`, { timeout: 120_000 }, () => {
  it('speaks TLS 1.2+ with forward-secret ciphers only, HTTP/2 by ALPN, HSTS, and sends plain HTTP to HTTPS', async () => {
    const handshake = (options: { maxVersion?: 'TLSv1.1' | 'TLSv1.2'; ciphers?: string }) =>
      new Promise<string>((resolve) => {
        const socket = tlsConnect(
          { host: '127.0.0.1', port: nginx.httpsPort, servername: SERVER_NAME, ca: nginx.certificate, ...options },
          () => {
            resolve(socket.getProtocol() ?? 'none');
            socket.destroy();
          },
        );
        socket.once('error', () => resolve('refused'));
      });
    expect(await handshake({})).toBe('TLSv1.3');
    expect(await handshake({ maxVersion: 'TLSv1.2' })).toBe('TLSv1.2');
    expect(await handshake({ maxVersion: 'TLSv1.1' })).toBe('refused');
    // RSA key exchange (no forward secrecy) and CBC are not offered.
    expect(await handshake({ maxVersion: 'TLSv1.2', ciphers: 'AES128-GCM-SHA256:ECDHE-ECDSA-AES128-SHA' })).toBe(
      'refused',
    );

    const session = http2Connect(`https://127.0.0.1:${nginx.httpsPort}`, {
      ca: nginx.certificate,
      servername: SERVER_NAME,
    });
    try {
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        const stream = session.request({ ':path': '/healthz', ':authority': SERVER_NAME });
        stream.once('response', (received) => {
          resolve(received);
          stream.resume();
        });
        stream.once('error', reject);
      });
      expect(session.alpnProtocol).toBe('h2');
      expect(headers[':status']).toBe(200);
      expect(headers['strict-transport-security']).toBe('max-age=63072000');
      expect(headers.server).toBe('nginx');
    } finally {
      session.close();
    }

    const redirect = await new Promise<IncomingMessage>((resolve, reject) => {
      httpGet(
        { host: '127.0.0.1', port: nginx.httpPort, path: '/school?x=1', headers: { host: SERVER_NAME } },
        (response) => resolve(response.resume()),
      ).once('error', reject);
    });
    expect(redirect.statusCode).toBe(301);
    expect(redirect.headers.location).toBe(`https://${SERVER_NAME}/school?x=1`);
    expect((await send('/metrics')).status).toBe(404);
  });

  it('sets the sign-in cookie Secure: the app learns HTTPS from X-Forwarded-Proto', async () => {
    const office = await server.token('organizer', { sub: 'office' });
    const login = `zhou-${randomUUID().slice(0, 8)}`;
    const created = await postGraphQL(
      'mutation($input: CreateAccountInput!) { createAccount(input: $input) { activationCode } }',
      { input: { login, displayName: '周主任', role: 'viewer' } },
      { token: office, from: '127.0.0.9' },
    );
    const { activationCode } = (created.data?.createAccount ?? {}) as { activationCode?: string };
    expect(activationCode).toMatch(/^\w{12}$/);
    const activated = await postGraphQL(
      'mutation($input: ActivateAccountInput!) { activateAccount(input: $input) { accessToken } }',
      { input: { login, activationCode, password: 'qingmiao-2022-spring' } },
      { from: '127.0.0.9' },
    );
    expect(activated.errors).toBeUndefined();
    const [cookie, ...others] = [activated.headers['set-cookie'] ?? []].flat();
    expect(others).toEqual([]);
    expect(cookie).toMatch(/^qingmiao_refresh=[\w-]{43};/);
    expect(cookie?.split(';').map((part) => part.trim())).toEqual(
      expect.arrayContaining(['Secure', 'HttpOnly', 'SameSite=Strict', 'Path=/graphql']),
    );
  });

  it('passes participationChanged events on over HTTP/2 as they happen, uncompressed', async () => {
    const office = await server.token('organizer', { sub: 'office' });
    const session = http2Connect(`https://127.0.0.1:${nginx.httpsPort}`, {
      ca: nginx.certificate,
      servername: SERVER_NAME,
    });
    try {
      const stream = session.request({
        ':method': 'POST',
        ':path': '/graphql',
        ':authority': SERVER_NAME,
        'content-type': 'application/json',
        accept: 'text/event-stream',
        'accept-encoding': 'gzip, br',
        authorization: `Bearer ${office}`,
      });
      stream.end(JSON.stringify({ query: 'subscription { participationChanged { position } }' }));
      const headers = await new Promise<Record<string, unknown>>((resolve, reject) => {
        stream.once('response', resolve);
        stream.once('error', reject);
      });
      expect(headers[':status']).toBe(200);
      expect(String(headers['content-type'])).toMatch(/^text\/event-stream/);
      // The app's own `Content-Encoding: none`, or none at all: never gzip or br, which would hold events back.
      expect(headers['content-encoding'] ?? 'none').toBe('none');
      let received = '';
      stream.setEncoding('utf8').on('data', (chunk: string) => {
        received += chunk;
      });
      // Each change arrives while the stream stays open: nothing waits for a buffer to fill or the stream to end.
      for (const [index, town] of ['城厢镇', '沙溪镇'].entries()) {
        const registered = await postGraphQL(
          'mutation($input: RegisterSchoolInput!) { registerSchool(input: $input) { id } }',
          { input: { id: `nginx-school-${index}`, name: `${town}中心小学`, kind: 'PRIMARY', town } },
          { token: office, from: '127.0.0.9' },
        );
        expect(registered.errors).toBeUndefined();
        await expect.poll(() => received.match(/^event: next$/gm)?.length ?? 0, { timeout: 5_000 }).toBe(index + 1);
        expect(stream.closed).toBe(false);
      }
      stream.close();
    } finally {
      session.close();
    }
  });

  it('takes a 40 MB upload over HTTP/2 and a 50 MB one (the default limit), refuses 60 MB at nginx with 413', async () => {
    const school = await server.token('school', { schoolId: 'tc-shiyan', sub: 'tc-shiyan-office' });
    const limit = loadConfig({}).uploads.limit;
    expect(limit).toBe(50 * MiB);
    // client_max_body_size matches QINGMIAO_UPLOAD_LIMIT's default, with room for the other parts.
    expect(readFileSync(TEMPLATE, 'utf8')).toContain(`client_max_body_size ${limit / MiB + 1}m;`);
    const boundary = `qingmiao-${randomUUID()}`;
    const upload = (bytes: number, http2 = false) => {
      const header = Buffer.from(`%PDF-1.4\n% ${randomUUID()}\n`, 'latin1');
      const file = Buffer.concat([header, Buffer.alloc(bytes - header.length, 'qingmiao ')]);
      const body = Buffer.concat([
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n` +
            `${JSON.stringify({ query: 'mutation($file: File!) { uploadFile(file: $file) { size } }', variables: { file: null } })}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n` +
            `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="essay.pdf"\r\n` +
            'Content-Type: application/pdf\r\n\r\n',
        ),
        file,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      return send('/graphql', {
        method: 'POST',
        http2,
        headers: {
          authorization: `Bearer ${school}`,
          'graphql-require-preflight': '1',
          'content-type': `multipart/form-data; boundary=${boundary}`,
        },
        body,
      });
    };
    for (const [size, http2] of [
      [40 * MiB, true],
      [limit, false],
    ] as const) {
      const answer = await upload(size, http2);
      expect(answer.status, answer.body.slice(0, 300)).toBe(200);
      expect(JSON.parse(answer.body)).toEqual({ data: { uploadFile: { size } } });
    }
    const refused = await upload(60 * MiB);
    expect(refused.status).toBe(413);
    expect(JSON.parse(refused.body).errors[0].extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE', field: 'file' });
    expect(nginx.errorLog()).toMatch(/client intended to send too large body: \d+ bytes/);
  });

  it(`compresses the web app's assets (gzip${HAS_BROTLI ? ', brotli' : ''}) and passes their year-long caching on`, async () => {
    const page = await send('/', { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(page.headers['cache-control'] ?? '').not.toContain('immutable');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(page.body)?.[1];
    expect(script).toBeDefined();
    const asset = (encoding?: string) =>
      send(script ?? '', { headers: encoding === undefined ? {} : { 'accept-encoding': encoding } });
    const plain = await asset();
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const gzipped = await asset('gzip');
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers.vary).toMatch(/Accept-Encoding/i);
    expect(gzipped.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(gzipped.body.length).toBeLessThan(plain.body.length / 2);
    if (HAS_BROTLI) {
      const brotli = await asset('br, gzip');
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(brotli.body.length).toBeLessThan(gzipped.body.length);
    }
    // API answers stay uncompressed (BREACH: tokens beside the caller's own text).
    const answer = await send('/healthz', { headers: { 'accept-encoding': 'gzip, br' } });
    expect(answer.headers['content-encoding']).toBeUndefined();
  });

  it("limits per client address, seen through nginx: 127.0.0.1 and 127.0.0.2 apart, a client's own X-Forwarded-For ignored", async () => {
    const anonymous = (from: string, forwardedFor?: string) =>
      postGraphQL('{ me { id } }', {}, { from, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
    for (let request = 1; request <= ANONYMOUS_PER_MINUTE; request++) {
      expect((await anonymous('127.0.0.1')).status).toBe(401);
    }
    expect((await anonymous('127.0.0.1')).status).toBe(429);
    // Claiming to be someone else opens no new budget: nginx replaces the header with the address it saw.
    expect((await anonymous('127.0.0.1', '203.0.113.7')).status).toBe(429);
    expect((await anonymous('127.0.0.1', '127.0.0.2')).status).toBe(429);
    expect((await anonymous('127.0.0.2', '127.0.0.1')).status).toBe(401);

    // The access log and the request log name the client; the log keeps nginx's address as the peer.
    const correlationId = randomUUID();
    const failed = await postGraphQL(
      'mutation($input: SignInInput!) { signIn(input: $input) { accessToken } }',
      { input: { login: 'nobody-here', password: 'wrong' } },
      { from: '127.0.0.2', headers: { 'x-forwarded-for': '198.51.100.1', 'x-correlation-id': correlationId } },
    );
    expect(failed.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const office = await server.token('organizer', { sub: 'office' });
    const window = {
      from: new Date(Date.now() - 60_000).toISOString(),
      to: new Date(Date.now() + 60_000).toISOString(),
    };
    const log = await server.graphql(
      'query($from: DateTime!, $to: DateTime!) { accessLog(from: $from, to: $to, actor: "nobody-here") { address } }',
      window,
      office,
    );
    expect(log.data).toEqual({ accessLog: [{ address: '127.0.0.2' }] });
    await expect
      .poll(() => server.logs.find((line) => (line.req as { id?: string } | undefined)?.id === correlationId)?.req)
      .toMatchObject({ address: '127.0.0.2', remoteAddress: '127.0.0.1' });
  });
});

describe.skipIf(HAS_NGINX)('nginx in front of the server', () => {
  it.skip(`needs Debian's nginx at ${NGINX} (apt-get install nginx libnginx-mod-http-brotli-filter, as .ci/run does)`);
});
