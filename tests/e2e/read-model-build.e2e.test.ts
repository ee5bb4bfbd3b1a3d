import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLog } from '../../scripts/bench/log.ts';
import { runCli } from '../support/cli-process.ts';
import {
  killAll,
  makeDataDir,
  processes,
  processStat,
  removeDataDir,
  runs,
  type ServerProcess,
  sleep,
  startServerProcess,
} from '../support/server-process.ts';

/**
 * On the embedded store a fresh build of the read models runs in a child process of the server
 * (services/api/src/read-model-build-process.ts), so that what a catch-up of the whole log allocates leaves with
 * it. A child process, unlike a thread, could outlive the server: it must not, whether the server stops or is killed
 * with SIGKILL in the middle of the build, and the next start builds again.
 */
let dataDir: string;

beforeAll(async () => {
  dataDir = makeDataDir();
  // Large enough that the build is still running when the server answers /healthz (~2 s at ~50k events/s).
  await writeLog(join(dataDir, 'events.db'), { events: 100_000 });
}, 120_000);

afterAll(async () => {
  await killAll();
  if (dataDir) removeDataDir(dataDir);
});

/** The read-model build processes whose parent is `pid`. */
function builders(pid: number): number[] {
  return processes().filter((child) => {
    if (processStat(child)?.parent !== pid) return false;
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('read-model-builder');
    } catch {
      return false;
    }
  });
}

/** Starts a server that answers /healthz, and finds its build process while the build runs. */
async function startBuilding(): Promise<{ server: ServerProcess; builder: number }> {
  const server = await startServerProcess({ dataDir, startedWhen: '/healthz', env: { QINGMIAO_LOG_LEVEL: 'warn' } });
  for (let tries = 0; tries < 200; tries++) {
    const [builder] = builders(server.pid);
    if (builder !== undefined) return { server, builder };
    expect((await server.get('/readyz')).status, 'the build ended before its process was seen').toBe(503);
    await sleep(25);
  }
  throw new Error('no read-model build process appeared');
}

/** A process's resident memory now, in bytes (0 once it is gone). */
function residentBytes(pid: number): number {
  try {
    const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kib ?? 0) * 1024;
  } catch {
    return 0;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  for (const started = performance.now(); performance.now() - started < withinMs; await sleep(50)) {
    if (!runs(processStat(pid))) return true;
  }
  return !runs(processStat(pid));
}

describe('the read-model build process', () => {
  it('ends when the server is killed with SIGKILL during the build, and the next start builds again', async () => {
    const { server, builder } = await startBuilding();
    expect(readFileSync(`/proc/${builder}/cmdline`, 'utf8')).toContain('dist/read-model-builder.mjs');
    // The server alone, not its process group: nothing is left to stop the build but the build itself.
    process.kill(server.pid, 'SIGKILL');
    expect(await gone(builder, 15_000), 'the build process outlived its server').toBe(true);
    await server.kill();
    // What it left is half-built, and known to be.
    const check = await runCli(['upgrade-check', '--json'], { QINGMIAO_DATA_DIR: dataDir });
    expect(check.code, check.stderr).toBe(0);
    expect(JSON.parse(check.stdout)).toMatchObject({ state: 'incomplete', rebuildAtStart: true });

    const { server: again, builder: rebuilding } = await startBuilding();
    try {
      expect(rebuilding).not.toBe(builder);
      const seenResident = residentBytes(rebuilding);
      for (let tries = 0; tries < 1200 && (await again.get('/readyz')).status !== 200; tries++) await sleep(50);
      expect((await again.get('/readyz')).status).toBe(200);
      expect(await gone(rebuilding, 5_000), 'the build process stayed after the build').toBe(true);
      const metrics = await (await fetch(`${again.url}/metrics`)).text();
      const gauge = (name: string) =>
        Number(
          metrics
            .split('\n')
            .find((line) => line.startsWith(`${name} `))
            ?.split(' ')[1],
        );
      expect(gauge('qingmiao_projection_position')).toBeGreaterThan(0);
      // The build process's peak, reported by it at the end: at least what it held when seen during the build.
      expect(seenResident).toBeGreaterThan(0);
      expect(gauge('qingmiao_read_model_build_peak_rss_bytes')).toBeGreaterThanOrEqual(seenResident);
    } finally {
      await again.stop();
    }
  });

  it('ends when the server stops during the build, and the server exits cleanly', async () => {
    // Built by the test before: without read models the start builds them again.
    rmSync(join(dataDir, 'read-models'), { recursive: true, force: true });
    const { server, builder } = await startBuilding();
    expect(await server.stop()).toBe(0);
    expect(await gone(builder, 5_000), 'the build process outlived its server').toBe(true);
  });
});
