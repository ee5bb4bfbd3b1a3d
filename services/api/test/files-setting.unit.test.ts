import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';

const files = (QINGMIAO_FILES?: string) => loadConfig({ QINGMIAO_FILES }).files;

describe('QINGMIAO_FILES', () => {
  it('keeps files in the data dir unless set, or when set to folder', () => {
    expect(files()).toEqual({ kind: 'folder' });
    expect(files('folder')).toEqual({ kind: 'folder' });
  });

  it('reads an S3 bucket with its endpoint, region and addressing', () => {
    expect(
      files('s3://qingmiao-files?endpoint=http://minio.internal:9000&region=cn-east-1&forcePathStyle=true'),
    ).toEqual({
      kind: 's3',
      bucket: 'qingmiao-files',
      prefix: '',
      endpoint: 'http://minio.internal:9000',
      region: 'cn-east-1',
      forcePathStyle: true,
    });
  });

  it('takes a prefix path, us-east-1 without a region, and path style by default with an endpoint only', () => {
    expect(files('s3://bureau.files/qingmiao/2026/')).toEqual({
      kind: 's3',
      bucket: 'bureau.files',
      prefix: 'qingmiao/2026/',
      endpoint: undefined,
      region: 'us-east-1',
      forcePathStyle: false,
    });
    expect(files('s3://qingmiao-files?endpoint=https://s3.example.org')).toMatchObject({ forcePathStyle: true });
    expect(files('s3://qingmiao-files?endpoint=https://s3.example.org&forcePathStyle=false')).toMatchObject({
      forcePathStyle: false,
    });
  });

  it.each([
    ['', /QINGMIAO_FILES must be folder \(the default: files in the data dir\) or s3:\/\/bucket/],
    ['./files', /QINGMIAO_FILES must be folder/],
    ['S3://bucket', /QINGMIAO_FILES must be folder/],
    ['s3://my-bucket:9000', /QINGMIAO_FILES must not have a port after the bucket: put host:port in endpoint=/],
    ['s3://my-bucket?endpoint=http://h:9000&secret=x', /QINGMIAO_FILES has an unknown option secret \(known: /],
    ['s3://my-bucket?region=a&region=b', /QINGMIAO_FILES gives region more than once/],
    ['s3://my-bucket?forcePathStyle=yes', /QINGMIAO_FILES forcePathStyle must be true or false/],
    ['s3://my-bucket?endpoint=ftp://h', /QINGMIAO_FILES\.endpoint must be an http or https URL/],
    ['s3://My_Bucket', /QINGMIAO_FILES\.bucket must be an S3 bucket name/],
    ['s3://ab', /QINGMIAO_FILES\.bucket must be an S3 bucket name/],
    ['s3://my-bucket/files/.hidden', /QINGMIAO_FILES\.prefix may hold only letters, digits/],
    ['s3://my-bucket?region=US%20East', /QINGMIAO_FILES\.region must be a region name/],
  ])('refuses %j naming QINGMIAO_FILES', (text, message) => {
    expect(() => files(text)).toThrow(message);
  });

  it.each([
    's3://AKIAEXAMPLE:wJalrXUtnFEMI@qingmiao-files?endpoint=http://h:9000',
    's3://AKIAEXAMPLE@qingmiao-files',
    's3://qingmiao-files?endpoint=http://AKIAEXAMPLE:wJalrXUtnFEMI@h:9000',
  ])('refuses credentials in the URL without repeating them: %s', (text) => {
    let message = '';
    try {
      files(text);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Configuration: QINGMIAO_FILES(\.endpoint)? must not hold credentials/);
    expect(message).toContain('AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    expect(message).not.toMatch(/AKIAEXAMPLE|wJalrXUtnFEMI/);
  });
});
