import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { figures } from '../reliability/client.ts';
import { runCli } from '../support/cli-process.ts';
import {
  killAll,
  makeDataDir,
  removeDataDir,
  type ServerProcess,
  startServerProcess,
} from '../support/server-process.ts';

/**
 * Item 5 of issue 19: a data directory written and stopped by the previous release whose read models differ from
 * this one's (a70e8f6, main before renameSchool changed the schools projection; recorded by
 * tests/fixtures/record-data-dir.ts), upgraded in place. `qingmiao upgrade-check` says a rebuild is coming, the
 * start says so and how long it took, the participation figures are those the previous release served, and
 * afterwards upgrade-check says the read models are kept and how long their build took.
 */
const FIXTURE = fileURLToPath(new URL('../fixtures/upgrade-from-a70e8f6/', import.meta.url));
// As the office is served them since keys go to the own school only (privacy of minors): the rest as recorded.
const withoutKeys = (name: string, value: unknown) =>
  name === 'participants' && Array.isArray(value)
    ? value.map((participant: Record<string, unknown>) => ({ ...participant, key: null }))
    : value;
const recorded = JSON.parse(readFileSync(join(FIXTURE, 'figures.json'), 'utf8'), withoutKeys) as {
  years: number[];
  figures: Record<string, Record<string, unknown>>;
};

const dataDir = makeDataDir('qingmiao-upgrade-');
cpSync(join(FIXTURE, 'data-dir'), dataDir, { recursive: true });

afterAll(async () => {
  await killAll();
  removeDataDir(dataDir);
});

async function upgradeCheck(): Promise<{ state: string; rebuildAtStart: boolean; lastBuild?: { events: number } }> {
  const result = await runCli(['upgrade-check', '--json'], { QINGMIAO_DATA_DIR: dataDir });
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** The figures of every year and campaign the fixture recorded, as `server` serves them now. */
async function served(server: ServerProcess): Promise<Record<string, Record<string, unknown>>> {
  const token = await server.token('organizer', { sub: 'upgrade-office' });
  const out: Record<string, Record<string, unknown>> = {};
  for (const year of recorded.years) {
    const campaignIds = Object.keys(recorded.figures[year] ?? {})
      .filter((key) => key.startsWith('campaign '))
      .map((key) => key.slice('campaign '.length));
    out[year] = await figures(server.url, token, year, campaignIds);
  }
  return out;
}

describe('upgrading a data directory of the previous release', () => {
  it('says the read models will be rebuilt, rebuilds them at start, and serves the same figures', async () => {
    const human = await runCli(['upgrade-check'], { QINGMIAO_DATA_DIR: dataDir });
    expect(human.stdout).toMatch(/written by another version .* rebuilt from the log at the next start/);
    expect(human.stdout).toMatch(/not recorded \(built by an earlier release\)/);
    expect(await upgradeCheck()).toMatchObject({ state: 'outdated', rebuildAtStart: true });

    const upgraded = await startServerProcess({ dataDir });
    const logged = (server: ServerProcess, pattern: RegExp) =>
      server.logs.some((line) => pattern.test(String(line.msg)));
    expect(
      logged(
        upgraded,
        /written by another version .*: rebuilding them from the log now, not ready until done; how long the last build took is not recorded/,
      ),
    ).toBe(true);
    // Logged once caught up, which /readyz may tell the test first.
    await expect
      .poll(() =>
        logged(
          upgraded,
          /^read models built from the log in \d+\.\d s \(\d+ events\), the build process at most \d+ MiB resident; ready$/,
        ),
      )
      .toBe(true);
    expect(await served(upgraded)).toEqual(recorded.figures);
    expect(await upgraded.stop()).toBe(0);

    const log = new Database(join(dataDir, 'events.db'), { readonly: true });
    const { events } = log.prepare<[], { events: number }>('SELECT count(*) AS events FROM events').get() ?? {
      events: 0,
    };
    log.close();
    const after = await upgradeCheck();
    expect(after).toMatchObject({ state: 'current', rebuildAtStart: false, lastBuild: { events } });
    const text = (await runCli(['upgrade-check'], { QINGMIAO_DATA_DIR: dataDir })).stdout;
    expect(text).toMatch(/up to date .* kept at the next start; the last build took \d+\.\d s for \d+ events/);

    // The next start keeps them, and says so.
    const again = await startServerProcess({ dataDir });
    expect(logged(again, /^read models are up to date/)).toBe(true);
    expect(await served(again)).toEqual(recorded.figures);
    expect(await again.stop()).toBe(0);
    expect(logged(again, /^read models built/)).toBe(false);
  }, 120_000);
});
