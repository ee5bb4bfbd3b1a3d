import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamDeletedError } from '@eventstore/db-client';
import { connect, KurrentDbEventStore, START } from '@qingmiao/event-store';
import { KurrentDbKeyStore, keyStoreFile, keyStream, SqliteKeyStore } from '@qingmiao/privacy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KurrentDbTestDouble } from '../kurrentdb-double/kurrentdb-test-double.ts';
import { readWholeLog } from './helpers.ts';
import { describeKeyStoreContract } from './key-store-contract.ts';

describeKeyStoreContract('SqliteKeyStore (keys.db in the data directory)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'qingmiao-keys-'));
  return {
    open: () => new SqliteKeyStore(keyStoreFile(dir)),
    files: () => readdirSync(dir).map((file) => join(dir, file)),
    // secure_delete and the truncated write-ahead log leave nothing to reclaim.
    reclaim: async () => {},
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeKeyStoreContract('KurrentDbKeyStore over gRPC against the KurrentDB test double', async () => {
  const double = await KurrentDbTestDouble.start({ positionOffset: 2n ** 53n });
  return {
    open: () => new KurrentDbKeyStore(double.url),
    files: () => double.storageFiles(),
    reclaim: async () => {
      await double.scavenge();
    },
    cleanup: () => double.stop(),
  };
});

/** Destruction of the one key of a set of one. */
const only = (id: string) => new Map([[id, [0]]]);

const REAL_SERVER = process.env.QINGMIAO_TEST_ESDB;
if (REAL_SERVER) {
  // Files and scavenges of a real server are the operator's: the place's files are not looked at.
  describe('KurrentDbKeyStore against the server at QINGMIAO_TEST_ESDB', () => {
    it('adds, finds and destroys keys', async () => {
      const store = new KurrentDbKeyStore(REAL_SERVER);
      try {
        const id = `real-${Date.now()}`;
        await store.add([{ id, wrapped: Buffer.from('wrapped') }]);
        expect((await store.get([id])).get(id)).toEqual(Buffer.from('wrapped'));
        await store.destroy(only(id));
        await store.destroy(only(id));
        expect((await store.get([id])).size).toBe(0);
      } finally {
        await store.close();
      }
    });
  });
}

describe('KurrentDbKeyStore on the server of the log', () => {
  let double: KurrentDbTestDouble;
  let keys: KurrentDbKeyStore;

  beforeEach(async () => {
    double = await KurrentDbTestDouble.start();
    keys = new KurrentDbKeyStore(double.url);
  });

  afterEach(async () => {
    await keys.close();
    await double.stop();
  });

  it('keeps keys out of the log: no read, head position or subscription of the event store sees them', async () => {
    const log = new KurrentDbEventStore({ connectionString: double.url });
    try {
      await log.append('campaign-1', [{ id: crypto.randomUUID(), type: 'CampaignOpened', data: {}, metadata: {} }], {
        expectedRevision: 'no_stream',
      });
      const head = await log.headPosition();
      await keys.add([{ id: 'k1', wrapped: Buffer.from('one') }]);
      await keys.destroy(only('k1'));
      await keys.add([{ id: 'k2', wrapped: Buffer.from('two') }]);
      expect((await double.userEvents()).map((event) => event.stream)).toContain(keyStream('k2'));
      expect((await readWholeLog(log, 100)).map((event) => event.type)).toEqual(['CampaignOpened']);
      expect(await log.headPosition()).toEqual(head);
      const subscription = log.subscribeAll({ after: START });
      const seen: string[] = [];
      for await (const message of subscription) {
        if (message.kind === 'caughtUp') break;
        seen.push(...message.events.map((event) => event.stream));
      }
      expect(seen).toEqual(['campaign-1']);
    } finally {
      await log.close();
    }
  });

  it('hard-deletes: the stream answers StreamDeleted and is never written again', async () => {
    await keys.add([{ id: 'k1', wrapped: Buffer.from('one') }]);
    await keys.destroy(only('k1'));
    const { client } = await connect(double.url);
    try {
      const read = async () => {
        for await (const _ of client.readStream(keyStream('k1'))) {
          // draining
        }
      };
      await expect(read()).rejects.toBeInstanceOf(StreamDeletedError);
      await expect(keys.add([{ id: 'k1', wrapped: Buffer.from('again') }])).rejects.toBeInstanceOf(StreamDeletedError);
      expect((await keys.get(['k1'])).size).toBe(0);
    } finally {
      await client.dispose();
    }
  });

  it('repeats calls the network dropped, with the same outcome', async () => {
    await keys.get(['warm-up']);
    double.dropConnections();
    await keys.add([{ id: 'k1', wrapped: Buffer.from('one') }]);
    double.dropConnections();
    expect((await keys.get(['k1'])).get('k1')).toEqual(Buffer.from('one'));
    double.dropConnections();
    await keys.destroy(only('k1'));
    expect((await keys.get(['k1'])).size).toBe(0);
  });
});
