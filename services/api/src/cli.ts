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

await program.parseAsync();
