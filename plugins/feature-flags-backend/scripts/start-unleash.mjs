// Starts a real Unleash server (the `unleash-server` package) for the
// integration tests and benchmarks, on its own PostgreSQL database, with an
// admin token and a backend (client) token seeded through
// `authentication.initApiTokens`. Prints `UNLEASH_READY <port>` once it listens.
//
// env: UNLEASH_DB (database name, created if missing), UNLEASH_PORT,
//      UNLEASH_ADMIN_TOKEN, UNLEASH_CLIENT_TOKEN, PGHOST/PGPORT/PGUSER (defaults 127.0.0.1/5432/postgres)
import pg from 'pg';
import { start, ApiTokenType } from 'unleash-server';

const host = process.env.PGHOST ?? '127.0.0.1';
const port = Number(process.env.PGPORT ?? 5432);
const user = process.env.PGUSER ?? 'postgres';
const database = process.env.UNLEASH_DB ?? 'unleash_dev';

const admin = new pg.Client({ host, port, user, database: 'postgres' });
await admin.connect();
const exists = await admin.query(
  'SELECT 1 FROM pg_database WHERE datname = $1',
  [database],
);
if (exists.rowCount === 0)
  await admin.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
await admin.end();

const quiet = () => ({
  debug() {},
  info() {},
  warn() {},
  error: console.error,
  fatal: console.error,
});

const unleash = await start({
  db: {
    host,
    port,
    user,
    password: '',
    database,
    ssl: false,
    schema: 'public',
    disableMigration: false,
    pool: { min: 0, max: 6 },
  },
  server: { port: Number(process.env.UNLEASH_PORT ?? 4242), host: '127.0.0.1' },
  getLogger: quiet,
  versionCheck: { enable: false },
  telemetry: false,
  authentication: {
    enableApiToken: true,
    createAdminUser: false,
    initApiTokens: [
      {
        type: ApiTokenType.ADMIN,
        secret: process.env.UNLEASH_ADMIN_TOKEN,
        tokenName: 'portal-admin',
        environment: '*',
        projects: ['*'],
      },
      ...(process.env.UNLEASH_CLIENT_TOKEN
        ? [
            {
              type: ApiTokenType.BACKEND,
              secret: process.env.UNLEASH_CLIENT_TOKEN,
              tokenName: 'portal-test-client',
              environment: 'development',
              projects: ['*'],
            },
          ]
        : []),
    ],
  },
  clientFeatureCaching: { enabled: false },
});
console.log(
  `UNLEASH_READY ${
    unleash.app.get?.('port') ?? process.env.UNLEASH_PORT ?? 4242
  }`,
);
const stop = async () => {
  await unleash.stop();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
