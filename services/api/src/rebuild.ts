import { join } from 'node:path';
import { projections, ReadSide } from '@qingmiao/projections';
import { mintToken, resolveAuthSecret } from './auth.ts';
import type { QingmiaoConfig } from './config.ts';
import { openEventLog } from './event-log.ts';

/**
 * `qingmiao rebuild`: asks the running server to rebuild blue-green (it keeps serving meanwhile); when no server
 * answers, rebuilds the files directly so the next start serves the new generation.
 */
export async function rebuildReadModels(
  config: QingmiaoConfig,
  url = `http://127.0.0.1:${config.port}`,
): Promise<{ generation: string; position: string; durationMs: number; via: 'server' | 'files' }> {
  const token = await mintToken(resolveAuthSecret(config), { sub: 'qingmiao-cli', role: 'organizer' }, '10m');
  let response: Response | undefined;
  try {
    response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: 'mutation { rebuildReadModels { generation position durationMs } }' }),
    });
  } catch {
    response = undefined;
  }
  if (response) {
    const body = (await response.json()) as {
      data?: { rebuildReadModels: { generation: string; position: string; durationMs: number } };
      errors?: { message: string }[];
    };
    if (!body.data) throw new Error(`Rebuild failed: ${body.errors?.map((e) => e.message).join('; ')}`);
    return { ...body.data.rebuildReadModels, via: 'server' };
  }
  const { store } = openEventLog(config);
  const readSide = new ReadSide({ store, dir: join(config.dataDir, 'read-models'), projections });
  try {
    const report = await readSide.rebuild();
    return {
      generation: report.generation,
      position: String(report.position.commit),
      durationMs: report.durationMs,
      via: 'files',
    };
  } finally {
    await readSide.close();
    await store.close();
  }
}
