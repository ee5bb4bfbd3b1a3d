export { createQingmiao, type Qingmiao } from './app.ts';
export { Authenticator, mintToken, resolveAuthSecret } from './auth.ts';
export { loadConfig, type QingmiaoConfig } from './config.ts';
export { schema } from './graphql/schema.ts';
export { createLogger } from './observability.ts';
export { type RunningServer, startServer } from './server.ts';
