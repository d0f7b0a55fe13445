/*
 * The test portal (./portal.ts) as a process of its own, so that a test can
 * kill it for real (SIGKILL) in the middle of a task and start it again on
 * the same databases. Run with the Backstage CLI's TypeScript transform:
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs portalProcess.ts
 *
 * Environment: PORTAL_DATABASE (`sqlite:<folder>`, one file per plugin, or
 * `postgres:<connection string>|<database prefix>`, one database per plugin,
 * created when missing), PORTAL_REPOSITORIES, PORTAL_CONFIG (JSON, set over
 * the test portal's configuration), PORTAL_FLAGS_PROXY (optional: a URL the
 * portal's own calls to the feature-flags service go through, so that the
 * test sees them and can kill the portal between two). Prints
 * `PORTAL_READY <port>` once the catalog has read the repository's entities.
 */
import knexFactory, { Knex } from 'knex';
import path from 'node:path';
import { startPortal } from './portal';

async function postgresDatabase(connection: string, name: string) {
  const admin = knexFactory({ client: 'pg', connection });
  try {
    const found = await admin('pg_database').where({ datname: name }).first();
    if (!found) await admin.raw('CREATE DATABASE ??', [name]);
  } finally {
    await admin.destroy();
  }
  const url = new URL(connection);
  url.pathname = `/${name}`;
  return knexFactory({ client: 'pg', connection: url.toString() });
}

function databaseFactory(spec: string): (pluginId: string) => Promise<Knex> {
  const clients = new Map<string, Promise<Knex>>();
  return pluginId => {
    let client = clients.get(pluginId);
    if (!client) {
      if (spec.startsWith('sqlite:')) {
        const filename = path.join(spec.slice('sqlite:'.length), pluginId);
        client = Promise.resolve(
          knexFactory({
            client: 'better-sqlite3',
            connection: { filename: `${filename}.sqlite` },
            useNullAsDefault: true,
          }),
        );
      } else if (spec.startsWith('postgres:')) {
        const [connection, prefix] = spec.slice('postgres:'.length).split('|');
        client = postgresDatabase(
          connection,
          `${prefix}_${pluginId.replace(/\W/g, '_')}`,
        );
      } else {
        throw new Error(`PORTAL_DATABASE: unknown database ${spec}`);
      }
      clients.set(pluginId, client);
    }
    return client;
  };
}

/**
 * The test backend's discovery answers its own port for every plugin (it
 * ignores discovery.endpoints), so the calls of the scaffolder's actions to
 * feature flags are sent to the proxy here, where they leave the process.
 */
function routeFlagsThrough(proxy: string) {
  const direct = globalThis.fetch;
  const via = new URL(proxy);
  globalThis.fetch = (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (
      ['localhost', '127.0.0.1'].includes(url.hostname) &&
      url.pathname.startsWith('/api/feature-flags/')
    ) {
      url.protocol = via.protocol;
      url.host = via.host;
      return direct(
        input instanceof Request ? new Request(url, input) : url,
        init,
      );
    }
    return direct(input, init);
  };
}

async function main() {
  const { PORTAL_DATABASE, PORTAL_REPOSITORIES, PORTAL_CONFIG } = process.env;
  if (process.env.PORTAL_FLAGS_PROXY)
    routeFlagsThrough(process.env.PORTAL_FLAGS_PROXY);
  if (!PORTAL_DATABASE || !PORTAL_REPOSITORIES)
    throw new Error('PORTAL_DATABASE and PORTAL_REPOSITORIES are required');
  const portal = await startPortal({
    database: databaseFactory(PORTAL_DATABASE),
    repositories: PORTAL_REPOSITORIES,
    config: PORTAL_CONFIG ? JSON.parse(PORTAL_CONFIG) : undefined,
  });
  const { port } = portal.server.address() as { port: number };
  process.stdout.write(`PORTAL_READY ${port}\n`);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
