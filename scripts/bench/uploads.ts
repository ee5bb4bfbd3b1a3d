/**
 * Benchmark 7: `uploadFile` of a 50 MB PDF over HTTP (GraphQL multipart request, streamed to the blob store's
 * staging folder, hashed, type-checked, fsynced, kept) against a bare Node `http` server streaming the same request
 * body into a file while hashing it and fsyncing it (both in child processes, the production bundle for Qingmiao).
 * Figures: MB/s (median of runs) and the server's peak resident memory (VmHWM) against its resident memory before.
 */
import { closeSync, createReadStream, mkdirSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { mintToken } from '@qingmiao/api';
import { bytes, type Context, formatNumber, median, ratio, runsOf, type Section, table, yesNo } from './harness.ts';
import { secret } from './http-submit.ts';
import { type Child, startBare, startQingmiao } from './processes.ts';

/** 50 MB as QINGMIAO_UPLOAD_LIMIT counts it (MiB): the largest file the default limit takes. */
const FILE_BYTES = 50 * 1024 * 1024;
const BOUNDARY = 'qingmiao-bench-boundary';
const OPERATION = 'mutation Upload($file: File!) { uploadFile(file: $file) { id size } }';

/** A file of FILE_BYTES that file-type reads as a PDF. */
function writePdf(path: string): void {
  const header = Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1');
  const chunk = Buffer.alloc(1024 * 1024, 'qingmiao ');
  const fd = openSync(path, 'w');
  writeSync(fd, header);
  for (let written = header.length; written < FILE_BYTES; ) {
    const part = chunk.subarray(0, Math.min(chunk.length, FILE_BYTES - written));
    writeSync(fd, part);
    written += part.length;
  }
  closeSync(fd);
}

/** Makes the file's bytes (and so its id) new for each run: the same bytes again would not be stored again. */
function stamp(path: string, run: number): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, Buffer.from(`run ${String(run).padStart(6, '0')} ${Date.now()}`), 0, undefined, 20);
  closeSync(fd);
}

/** POSTs `file` as the one file part of a multipart upload; resolves with the seconds until the answer ended. */
function upload(url: string, token: string, file: string): Promise<{ seconds: number; status: number; body: string }> {
  const head = Buffer.from(
    `--${BOUNDARY}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n` +
      `${JSON.stringify({ query: OPERATION, variables: { file: null } })}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.file"]}\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="0"; filename="essay.pdf"\r\n` +
      'Content-Type: application/pdf\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const sent = request(
      `${url}/graphql`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'graphql-require-preflight': '1',
          'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
          'content-length': head.length + FILE_BYTES + tail.length,
        },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8').on('data', (text: string) => {
          body += text;
        });
        response.on('end', () =>
          resolve({ seconds: (performance.now() - started) / 1000, status: response.statusCode ?? 0, body }),
        );
      },
    );
    sent.on('error', reject);
    sent.write(head);
    createReadStream(file)
      .on('end', () => sent.end(tail))
      .on('error', reject)
      .pipe(sent, { end: false });
  });
}

/** Resident and peak resident memory (bytes) of the largest process in the child's process group (Linux /proc). */
function memoryOf(child: Child): { rss: number; peak: number } {
  let best = { rss: 0, peak: 0 };
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (group !== child.pid) continue;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
      if (kib('VmHWM') > best.peak) best = { rss: kib('VmRSS'), peak: kib('VmHWM') };
    } catch {
      // gone meanwhile
    }
  }
  return best;
}

interface Measured {
  readonly rates: number[];
  readonly before: number;
  readonly peak: number;
}

async function measure(ctx: Context, child: Child, token: string, file: string, check: (body: string) => void) {
  // One upload first, so that the figure before counts what any first request loads (schema, JIT, buffers).
  stamp(file, -1);
  await upload(child.url, token, file);
  const before = memoryOf(child).rss;
  const rates: number[] = [];
  for (let run = 0; run < ctx.mode.runs; run++) {
    stamp(file, run);
    const { seconds, status, body } = await upload(child.url, token, file);
    if (status !== 200) throw new Error(`upload answered ${status}: ${body.slice(0, 300)}`);
    check(body);
    rates.push(FILE_BYTES / 1024 / 1024 / seconds);
  }
  return { rates, before, peak: memoryOf(child).peak } satisfies Measured;
}

export async function uploadBenchmark(ctx: Context): Promise<Section> {
  const { work } = ctx;
  const file = join(work, 'upload-50mb.pdf');
  writePdf(file);
  const received = join(work, 'bare-uploads');
  const dataDir = join(work, 'upload-data');
  const children: Child[] = [];
  try {
    const server = await startQingmiao(dataDir);
    children.push(server);
    const school = await mintToken(secret, { sub: 'tc-shiyan-office', role: 'school', schoolId: 'tc-shiyan' }, '4h');
    ctx.log('uploads: qingmiao');
    const qingmiao = await measure(ctx, server, school, file, (body) => {
      if (!body.includes(`"size":${FILE_BYTES}`)) throw new Error(`uploadFile answered ${body.slice(0, 300)}`);
    });
    await server.stop();
    mkdirSync(received, { recursive: true });
    const bare = await startBare('upload', received);
    children.push(bare);
    ctx.log('uploads: bare node');
    const baseline = await measure(ctx, bare, school, file, () => undefined);
    const rate = median(qingmiao.rates);
    const bareRate = median(baseline.rates);
    const mb = (value: number) => `${formatNumber(value, 0)} MB/s`;
    const growth = qingmiao.peak - qingmiao.before;
    const markdown = [
      `A ${bytes(FILE_BYTES)} PDF, ${ctx.mode.runs} uploads one after another (new bytes each time, after one ` +
        'warm-up upload), from this machine. RSS before: after the warm-up; peak: the process’s high-water mark.',
      '',
      table(
        ['server', 'throughput (median)', 'runs', 'RSS before', 'peak RSS (VmHWM)'],
        [
          ['Qingmiao uploadFile', mb(rate), runsOf(qingmiao.rates, mb), bytes(qingmiao.before), bytes(qingmiao.peak)],
          [
            'bare Node http → file',
            mb(bareRate),
            runsOf(baseline.rates, mb),
            bytes(baseline.before),
            bytes(baseline.peak),
          ],
        ],
      ),
      '',
      `Qingmiao reaches ${ratio(rate, bareRate, 'percent')} of the bare server's throughput; its peak memory is ` +
        `${bytes(growth)} above its resident memory before the uploads, far below the file's size ` +
        `(goal: the file is never held in memory: ${yesNo(growth < FILE_BYTES / 2)}).`,
    ].join('\n');
    return {
      title: '7. Uploads (50 MB over HTTP)',
      markdown,
      headlines: [
        {
          benchmark: 'uploadFile 50 MB',
          figure: `${mb(rate)} (${ratio(rate, bareRate, 'percent')} of bare), peak RSS ${bytes(qingmiao.peak)}`,
          goal: 'the file is streamed: peak RSS grows by less than half the file',
          met: growth < FILE_BYTES / 2,
        },
      ],
    };
  } finally {
    for (const child of children) await child.stop();
  }
}
