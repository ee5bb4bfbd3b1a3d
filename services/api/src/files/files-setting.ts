import { z } from 'zod';

const FORMAT =
  'must be folder (the default: files in the data dir) or s3://bucket[/prefix]?endpoint=http://host:port&region=…';

/** Options of the s3:// form; anything else is a typo, refused rather than ignored. */
const S3_OPTIONS = ['endpoint', 'region', 'forcePathStyle'];

const S3Location = z.object({
  kind: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name (3–63 of a-z 0-9 . -)'),
  /** Keys start with it: empty, or path segments each ending in `/`. */
  prefix: z.string().regex(/^([\w-][\w.-]*\/)*$/, 'may hold only letters, digits, . _ - between slashes'),
  endpoint: z
    .string()
    .refine((url) => /^https?:$/.test(URL.canParse(url) ? new URL(url).protocol : ''), {
      message: 'must be an http or https URL, like http://minio.internal:9000',
    })
    .refine((url) => !/\/\/[^/]*@/.test(url), {
      message: 'must not hold credentials: give them in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    })
    .optional(),
  region: z.string().regex(/^[a-z0-9-]+$/, 'must be a region name like us-east-1'),
  forcePathStyle: z.boolean(),
});

const Location = z.discriminatedUnion('kind', [z.object({ kind: z.literal('folder') }), S3Location]);

/** Where uploaded files are kept: the folder under the data dir, or an S3-compatible bucket. */
export type FilesLocation = z.infer<typeof Location>;
export type S3Location = z.infer<typeof S3Location>;

/**
 * QINGMIAO_FILES: `folder` (the default) or `s3://bucket[/prefix]?endpoint=…&region=…&forcePathStyle=true`. Secrets
 * never go in the URL (it is shown in logs and process lists); the SDK reads them from AWS_ACCESS_KEY_ID and
 * AWS_SECRET_ACCESS_KEY. With an endpoint (MinIO, Ceph…), path-style addressing is the default: virtual-hosted
 * style needs a DNS name per bucket.
 */
export const FilesSetting = z
  .string()
  .default('folder')
  .transform((text, context) => {
    const refuse = (message: string) => {
      // The text itself stays out of the message: it may hold a secret someone put there by mistake.
      context.issues.push({ code: 'custom', message, input: undefined });
      return z.NEVER;
    };
    if (text === 'folder') return { kind: 'folder' as const };
    if (!text.startsWith('s3://') || !URL.canParse(text)) return refuse(FORMAT);
    const url = new URL(text);
    if (url.username || url.password) {
      return refuse(
        'must not hold credentials (user:password@): give them in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      );
    }
    if (url.port) return refuse('must not have a port after the bucket: put host:port in endpoint=');
    if (url.hash) return refuse(FORMAT);
    const names = [...url.searchParams.keys()];
    const unknown = names.find((name) => !S3_OPTIONS.includes(name));
    if (unknown !== undefined) return refuse(`has an unknown option ${unknown} (known: ${S3_OPTIONS.join(', ')})`);
    const repeated = names.find((name, index) => names.indexOf(name) !== index);
    if (repeated !== undefined) return refuse(`gives ${repeated} more than once`);
    const endpoint = url.searchParams.get('endpoint') ?? undefined;
    const pathStyle = url.searchParams.get('forcePathStyle');
    if (pathStyle !== null && pathStyle !== 'true' && pathStyle !== 'false') {
      return refuse('forcePathStyle must be true or false');
    }
    const segments = url.pathname.split('/').filter((segment) => segment !== '');
    return {
      kind: 's3' as const,
      bucket: url.hostname,
      prefix: segments.map((segment) => `${segment}/`).join(''),
      endpoint,
      region: url.searchParams.get('region') ?? 'us-east-1',
      forcePathStyle: pathStyle === null ? endpoint !== undefined : pathStyle === 'true',
    };
  })
  .pipe(Location);
