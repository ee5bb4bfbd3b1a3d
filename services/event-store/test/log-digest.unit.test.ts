import { describe, expect, it } from 'vitest';
import { digestLog, type LogEntry } from '../src/log-transfer.ts';

async function* entriesOf(entries: readonly LogEntry[]): AsyncGenerator<LogEntry> {
  yield* entries;
}

const entry = (revision: number, data: LogEntry['data'], metadata: LogEntry['metadata'] = {}): LogEntry => ({
  id: `00000000-0000-4000-8000-00000000000${revision}`,
  stream: 'campaign-青苗',
  revision,
  type: 'Noted',
  data,
  metadata,
  created: '2026-01-01T00:00:00.000Z',
});

/** Data with what a canonical text must get right: key order, nesting, escapes, non-ASCII, lone surrogates, numbers. */
const log: LogEntry[] = [
  entry(0, { b: 1, a: [3, { z: null, y: true }], é: 'ü', 'a"b': 'line\nbreak\ttab\u0000' }),
  entry(1, { n: -0, big: 1e21, small: 5e-324, half: 0.5, e: '😀', lone: '\ud800x', sep: '\u2028' }, { by: 'x' }),
  entry(2, { nested: { c: { b: { a: [] } }, a: {} }, Z: 'upper before lower', _: '', '10': 1, '9': 2 }),
];

describe('digestLog', () => {
  // The sha256 computed before the library replaced the hand-written canonical JSON: exports made by earlier
  // versions must keep verifying, so the digest of a log never changes.
  it('keeps the digest of a log that earlier versions computed', async () => {
    expect(await digestLog(entriesOf(log))).toEqual({
      events: 3,
      sha256: 'e9081528cfe0e03ed22fbd95b8a1af533c4e8b9e10c572ada1b6067c9fb16f5e',
    });
  });

  it('does not depend on the order in which keys were written', async () => {
    const reordered = log.map((e) => ({
      ...e,
      data: Object.fromEntries(Object.entries(e.data).reverse()),
      metadata: Object.fromEntries(Object.entries(e.metadata).reverse()),
    }));
    expect(await digestLog(entriesOf(reordered))).toEqual(await digestLog(entriesOf(log)));
  });

  it('changes with any value', async () => {
    const changed = log.map((e, i) => (i === 2 ? { ...e, data: { ...e.data, _: ' ' } } : e));
    expect((await digestLog(entriesOf(changed))).sha256).not.toBe((await digestLog(entriesOf(log))).sha256);
  });
});
