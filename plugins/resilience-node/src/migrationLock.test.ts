import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serialiseMigrations, withAdvisoryLock } from './migrationLock';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['POSTGRES_16', 'SQLITE_3'] });

/** A migrations folder with two slow-ish migrations, as a plugin ships them. */
function migrationsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
  writeFileSync(
    join(dir, '20261201_a.js'),
    `exports.up = async knex => { await knex.schema.createTable('a', t => t.increments('id')); await new Promise(r => setTimeout(r, 200)); };
exports.down = async knex => knex.schema.dropTable('a');`,
  );
  writeFileSync(
    join(dir, '20261202_b.js'),
    `exports.up = async knex => knex.schema.createTable('b', t => t.increments('id'));
exports.down = async knex => knex.schema.dropTable('b');`,
  );
  return dir;
}

/** `count` separate connection pools on the same database: replicas. */
function replicasOf(knex: Knex, count: number): Knex[] {
  if (knex.client.config.client !== 'pg') return [knex];
  return Array.from({ length: count }, () =>
    knexFactory({ client: 'pg', connection: knex.client.config.connection }),
  );
}

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('lets any number of replicas starting together on an empty database migrate', async () => {
    const knex = await databases.init(databaseId);
    const replicas = replicasOf(knex, 5);
    const directory = migrationsDir();
    try {
      const results = await Promise.allSettled(
        replicas.map(replica =>
          serialiseMigrations(replica).migrate.latest({
            directory,
            tableName: 'plugin_migrations',
          }),
        ),
      );
      expect(results.filter(r => r.status === 'rejected')).toEqual([]);
      expect(await knex.schema.hasTable('a')).toBe(true);
      expect(await knex.schema.hasTable('b')).toBe(true);
      const [{ count }] = await knex('plugin_migrations').count({ count: '*' });
      expect(Number(count)).toBe(2);
    } finally {
      await Promise.all(replicas.filter(r => r !== knex).map(r => r.destroy()));
    }
  });

  it('runs locked work one holder at a time', async () => {
    const knex = await databases.init(databaseId);
    const replicas = replicasOf(knex, 3);
    let inside = 0;
    let most = 0;
    try {
      await Promise.all(
        replicas.map(replica =>
          withAdvisoryLock(replica, 'test-lock', async () => {
            inside++;
            most = Math.max(most, inside);
            await new Promise(r => setTimeout(r, 100));
            inside--;
          }),
        ),
      );
      expect(most).toBe(1);
    } finally {
      await Promise.all(replicas.filter(r => r !== knex).map(r => r.destroy()));
    }
  });
});
