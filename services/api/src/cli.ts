import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupSqliteStore, restoreSqliteStore } from '@qingmiao/event-store';
import { Role } from '@qingmiao/schema';
import { Command, Option } from 'commander';
import { mintToken, resolveAuthSecret } from './auth.ts';
import { loadConfig } from './config.ts';
import { rebuildReadModels } from './rebuild.ts';
import { startServer } from './server.ts';

const program = new Command('qingmiao').description('Qingmiao 青苗: campaign tracker of the education bureau');

program
  .command('serve')
  .description('Start the API server (GraphQL at /graphql) on the configured event store')
  .action(async () => {
    const running = await startServer(loadConfig());
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        void running.stop().then(() => process.exit(0));
      });
    }
  });

program
  .command('token')
  .description('Print a signed token (JWT, HS256) for the Authorization: Bearer header')
  .addOption(new Option('--role <role>', 'who the token is for').choices(Role.options).makeOptionMandatory())
  .option('--school <schoolId>', 'the school acted for (role school)')
  .option('--sub <subject>', 'the person or system the token names', 'cli')
  .option('--expires <duration>', 'lifetime, e.g. 8h or 30d', '30d')
  .action(async (options: { role: Role; school?: string; sub: string; expires: string }) => {
    if (options.role === 'school' && !options.school) program.error('--school is required for role school');
    const secret = resolveAuthSecret(loadConfig());
    const token = await mintToken(
      secret,
      { sub: options.sub, role: options.role, schoolId: options.school },
      options.expires,
    );
    process.stdout.write(`${token}\n`);
  });

program
  .command('rebuild')
  .description('Rebuild the read models from the log (blue-green when the server is running)')
  .option('--url <url>', 'the running server', '')
  .action(async (options: { url: string }) => {
    const report = await rebuildReadModels(loadConfig(), options.url || undefined);
    process.stdout.write(`${JSON.stringify(report)}\n`);
  });

program
  .command('backup')
  .description('Copy the event store consistently while the server keeps running (SQLite online backup)')
  .requiredOption('--to <file>', 'the backup file to create')
  .action(async (options: { to: string }) => {
    const config = loadConfig();
    const { events } = await backupSqliteStore(join(config.dataDir, 'events.db'), options.to);
    process.stdout.write(`backed up ${events} events to ${options.to}\n`);
  });

program
  .command('restore')
  .description('Replace the event store with a backup (server stopped); read models are rebuilt at the next start')
  .requiredOption('--from <file>', 'a file made by `qingmiao backup`')
  .action(async (options: { from: string }) => {
    const config = loadConfig();
    const { events } = await restoreSqliteStore(options.from, join(config.dataDir, 'events.db'));
    rmSync(join(config.dataDir, 'read-models'), { recursive: true, force: true });
    process.stdout.write(`restored ${events} events from ${options.from}; read models will be rebuilt at start\n`);
  });

await program.parseAsync();
