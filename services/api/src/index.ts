export { createQingmiao, type Qingmiao, type QingmiaoOptions } from './app.ts';
export { Authenticator, mintToken, resolveAuthSecret } from './auth.ts';
export { loadConfig, type QingmiaoConfig } from './config.ts';
export { schema } from './graphql/schema.ts';
export { createLogger } from './observability.ts';
export type { SignInByLogin, SignInOutcome } from './oidc/sign-in-by-login.ts';
export { type RunningServer, startServer } from './server.ts';
export { prepareWebApp, webAppFromSources } from './web-app/build.ts';
