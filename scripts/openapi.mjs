// Writes the OpenAPI document the app serves at /docs-json to a file (default: stdout), without listening
// and without touching any real database: the built app (dist/) boots on an in-memory PGlite.
// Used by `npm run lint:api` and `npm run client:generate`.
import { writeFileSync } from 'node:fs';

const { createApp } = await import('../dist/app.factory.js');
const { loadConfig } = await import('../dist/config/index.js');

const out = process.argv[2];
const config = loadConfig({
  NODE_ENV: 'development',
  DATA_DIR: 'memory://',
  MIGRATE_ON_BOOT: 'true',
  SEED_DEMO: 'false',
  LOG_LEVEL: 'warn',
  // The document names PUBLIC_URL in `servers`; the default keeps the committed client types stable.
  PORT: '3000',
});
const app = await createApp(config);
try {
  const res = await app.app.getHttpAdapter().getInstance().inject({ method: 'GET', url: '/docs-json' });
  if (res.statusCode !== 200) throw new Error(`/docs-json answered ${res.statusCode}: ${res.body}`);
  const text = `${JSON.stringify(JSON.parse(res.body), null, 2)}\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
} finally {
  await app.close();
}
