import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { OpeningThread } from '../src/opening-thread.ts';
import { encrypt } from '../src/sealing.ts';

const sealed = (key: Buffer, value: unknown, associated: string) => ({
  key,
  ciphertext: encrypt(key, Buffer.from(JSON.stringify(value), 'utf8'), associated).toString('base64url'),
  associated,
});

let thread: OpeningThread;
afterEach(async () => {
  await thread.close();
});

describe('the opening thread', () => {
  it('opens sealed values in the order given, and none under another key or associated data', async () => {
    thread = new OpeningThread();
    const key = randomBytes(32);
    const values = [
      sealed(key, { name: '李小明', grade: '五年级' }, 'k:1/participant'),
      sealed(key, '王老师\n', 'k:1/entry'),
      { ...sealed(key, 'moved', 'k:1/advisor'), associated: 'k:1/body' },
      { ...sealed(key, 'other key', 'k:2/body'), key: randomBytes(32) },
    ];
    expect(await thread.open(values)).toEqual([
      JSON.stringify({ name: '李小明', grade: '五年级' }),
      JSON.stringify('王老师\n'),
      null,
      null,
    ]);
    expect(await thread.open([])).toEqual([]);
  });

  it('ends once idle and starts again when asked', async () => {
    thread = new OpeningThread({ idleMs: 0 });
    const key = randomBytes(32);
    expect(await thread.open([sealed(key, 1, 'a')])).toEqual(['1']);
    await vi.waitFor(() => expect(thread.running).toBe(false));
    expect(await thread.open([sealed(key, 2, 'a')])).toEqual(['2']);
    expect(thread.running).toBe(true);
  });

  it('fails the requests it holds when closed', async () => {
    thread = new OpeningThread();
    const failed = expect(thread.open([sealed(randomBytes(32), 1, 'a')])).rejects.toThrow('closed');
    await thread.close();
    await failed;
    expect(thread.running).toBe(false);
  });
});
