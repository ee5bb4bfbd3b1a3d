import { config } from 'zod';

// Imported first by each module that builds on the schemas, so that it runs before any schema is built.
// zod probes `new Function` to compile fast parsers; under the app's CSP (no eval) that probe is reported as a
// violation even though zod catches it. The portal validates small forms, so the interpreter is fast enough.
config({ jitless: true });
