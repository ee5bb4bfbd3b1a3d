import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uploadOwnerOf } from '@qingmiao/domain';
import type { Attachment } from '@qingmiao/schema';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UploadRegistry, uploadRegistryFile } from '../src/files/upload-registry.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2022-06-01T00:00:00.000Z');
const essay: Attachment = { id: 'a'.repeat(64), name: '爷爷的勋章.pdf', mediaType: 'application/pdf', size: 1234 };
const photo: Attachment = { id: 'b'.repeat(64), name: '合影.jpg', mediaType: 'image/jpeg', size: 99 };
const shiyan = { schoolId: 'tc-shiyan' };
const other = { schoolId: 'tc-other' };
const organizers = { organizers: true } as const;

let dir: string;
let now: number;
let registries: UploadRegistry[];
const open = () => {
  const registry = new UploadRegistry(uploadRegistryFile(dir), () => now);
  registries.push(registry);
  return registry;
};

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'qingmiao-uploads-'));
  now = T0;
  registries = [];
});

afterEach(() => {
  for (const registry of registries) registry.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the upload registry (uploads.db in the data dir)', () => {
  it('finds its owner’s uploads, tells others’ (foreign) from unknown ids, in order', async () => {
    const registry = open();
    registry.record(shiyan, essay);
    registry.record(other, photo);
    registry.record(organizers, photo);
    expect(await registry.attachmentsFor(shiyan, [photo.id, essay.id, 'c'.repeat(64)])).toEqual([
      { missing: 'foreign' },
      { found: essay },
      { missing: 'unknown' },
    ]);
    expect(await registry.attachmentsFor(organizers, [photo.id, essay.id])).toEqual([
      { found: photo },
      { missing: 'foreign' },
    ]);
  });

  it('keeps one row per owner and file: the same bytes again take the newest name', async () => {
    const registry = open();
    registry.record(shiyan, essay);
    registry.record(shiyan, { ...essay, name: '第二稿.pdf' });
    expect(await registry.attachmentsFor(shiyan, [essay.id])).toEqual([{ found: { ...essay, name: '第二稿.pdf' } }]);
  });

  it('lists uploads idle since a moment, counting both upload and last use, and survives a reopen', async () => {
    const registry = open();
    registry.record(shiyan, essay);
    registry.record(other, photo);
    now = T0 + 20 * HOUR;
    await registry.attachmentsFor(shiyan, [essay.id]);
    now = T0 + 30 * HOUR;
    const dayAgo = now - 24 * HOUR;
    expect(registry.idleSince(dayAgo, 10)).toEqual([{ owner: 'school:tc-other', id: photo.id }]);
    registry.close();
    registries = [];
    const reopened = open();
    expect(reopened.idleSince(dayAgo, 10)).toHaveLength(1);
    expect(reopened.idleSince(T0 + 21 * HOUR, 10)).toHaveLength(2);
  });

  it('forgets an idle row only if it was not uploaded or used again meanwhile', async () => {
    const registry = open();
    registry.record(shiyan, essay);
    now = T0 + 25 * HOUR;
    const before = now - 24 * HOUR;
    const [idle] = registry.idleSince(before, 10);
    if (!idle) throw new Error('expected an idle upload');
    registry.record(shiyan, essay);
    expect(registry.forget(idle, before)).toBe(false);
    expect(registry.isKnown(essay.id)).toBe(true);
    now = T0 + 50 * HOUR;
    expect(registry.forget(idle, now - 24 * HOUR)).toBe(true);
    expect(registry.isKnown(essay.id)).toBe(false);
  });

  it('is readable by its owner only', () => {
    open();
    expect(statSync(uploadRegistryFile(dir)).mode & 0o777).toBe(0o600);
  });

  it('takes the owner from the actor: a school’s own, the organizers’ office, nobody else', () => {
    expect(uploadOwnerOf({ sub: 's', role: 'school', schoolId: 'tc-shiyan' })).toEqual(shiyan);
    expect(uploadOwnerOf({ sub: 'o', role: 'organizer' })).toEqual(organizers);
    expect(uploadOwnerOf({ sub: 'j', role: 'judge' })).toBeUndefined();
    expect(uploadOwnerOf({ sub: 'v', role: 'viewer' })).toBeUndefined();
  });
});
