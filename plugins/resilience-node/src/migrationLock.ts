import { Knex } from 'knex';

/** How long a replica waits for another one's migrations before it gives up. */
const LOCK_WAIT_MS = 5 * 60_000;
const LOCK_POLL_MS = 200;
const SERIALISED = Symbol.for('stack-portal.serialised-migrations');

function isPostgres(knex: Knex): boolean {
  return ['pg', 'postgres', 'postgresql'].includes(
    String(knex.client.config.client),
  );
}

/**
 * Runs `work` while holding a PostgreSQL session advisory lock named `key`
 * (per database), on a connection of its own. The lock goes with the
 * connection: a replica that dies while holding it releases it.
 */
export async function withAdvisoryLock<T>(
  knex: Knex,
  key: string,
  work: () => Promise<T>,
  options: { waitMs?: number } = {},
): Promise<T> {
  if (!isPostgres(knex)) return work();
  const deadline = Date.now() + (options.waitMs ?? LOCK_WAIT_MS);
  const connection = await knex.client.acquireConnection();
  try {
    for (;;) {
      const { rows } = await knex
        .raw('SELECT pg_try_advisory_lock(hashtext(?)) AS locked', [key])
        .connection(connection);
      if (rows[0].locked) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Gave up after ${Math.round(
            (options.waitMs ?? LOCK_WAIT_MS) / 1000,
          )} s waiting for the lock "${key}" another replica holds`,
        );
      }
      await new Promise(r => setTimeout(r, LOCK_POLL_MS));
    }
    try {
      return await work();
    } finally {
      await knex
        .raw('SELECT pg_advisory_unlock(hashtext(?))', [key])
        .connection(connection)
        .catch(() => undefined); // a lost connection released it already
    }
  } finally {
    await knex.client.releaseConnection(connection);
  }
}

/**
 * The knex client with `migrate.latest`, `migrate.up` and `migrate.rollback`
 * run under an advisory lock per migrations table, so replicas starting
 * together migrate one after the other. knex's own lock table only makes the
 * second one fail ("Migration table is already locked"), and creating that
 * table races too ("relation ..._lock already exists").
 * Idempotent; SQLite and other clients are returned unchanged.
 */
export function serialiseMigrations<T extends Knex>(knex: T): T {
  if (!isPostgres(knex) || (knex as any)[SERIALISED]) return knex;
  const descriptor = Object.getOwnPropertyDescriptor(knex, 'migrate');
  if (!descriptor?.get) return knex;
  const migrate = descriptor.get;
  Object.defineProperty(knex, 'migrate', {
    configurable: true,
    get() {
      const migrator = migrate.call(this) as Knex.Migrator;
      for (const method of ['latest', 'up', 'rollback'] as const) {
        const run = (migrator[method] as (...a: any[]) => Promise<any>).bind(
          migrator,
        );
        (migrator as any)[method] = (
          config?: Knex.MigratorConfig,
          ...rest: any[]
        ) => {
          const table =
            config?.tableName ??
            knex.client.config.migrations?.tableName ??
            'knex_migrations';
          const schema =
            config?.schemaName ?? knex.client.config.migrations?.schemaName;
          return withAdvisoryLock(
            knex,
            `knex-migrations:${schema ?? ''}.${table}`,
            () => run(config, ...rest),
          );
        };
      }
      return migrator;
    },
  });
  Object.defineProperty(knex, SERIALISED, { value: true });
  return knex;
}
