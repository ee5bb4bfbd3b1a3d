import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { locateEventStore } from '../src/open-event-store.ts';

describe('locateEventStore', () => {
  it('finds sqlite in the data directory and sqlite:PATH anywhere', () => {
    expect(locateEventStore('sqlite', { dataDir: 'data' })).toEqual({
      kind: 'sqlite',
      path: join('data', 'events.db'),
    });
    expect(locateEventStore('sqlite:/srv/shared/events.db')).toEqual({ kind: 'sqlite', path: '/srv/shared/events.db' });
  });

  it('takes every KurrentDB scheme as a connection string, as given', () => {
    for (const spec of ['esdb://a:2113', 'esdb+discover://a:2113', 'kurrentdb://a:2113,b:2113?tls=true', 'kdb://a']) {
      expect(locateEventStore(spec)).toEqual({ kind: 'kurrentdb', connectionString: spec });
    }
  });

  it('refuses what it cannot read, naming the setting and never the password', () => {
    const setting = 'QINGMIAO_EVENT_STORE';
    expect(() => locateEventStore('postgres://admin:secret@db', { setting })).toThrow(
      'QINGMIAO_EVENT_STORE must be sqlite, sqlite:PATH or an esdb:// or kurrentdb:// connection string, not postgres://…@db',
    );
    expect(() => locateEventStore('sqlite:', { setting })).toThrow(
      'QINGMIAO_EVENT_STORE=sqlite: needs the path of the events.db file',
    );
    expect(() => locateEventStore('sqlite', { setting: '--from' })).toThrow(
      "--from=sqlite names a data directory's events.db, and there is none here: use sqlite:PATH",
    );
  });
});
