// @ts-check

/**
 * Running totals, so that any window's sums cost two row reads per entity
 * instead of a scan of every bucket in it.
 *
 * - `health_rollups.run_*`: the entity's counts at that resolution from its
 *   first bucket through this one (inclusive);
 * - `health_running`: per entity and resolution, its first and latest
 *   buckets and the running totals through the latest.
 *
 * A window [S, now] sums to `running - first.run + first.own`, where `first`
 * is the entity's first bucket at or after S (the whole running totals when
 * the entity's first bucket is at or after S). Existing rollups are filled in.
 */
const COUNTS = [
  'up',
  'degraded',
  'down',
  'disabled',
  ...Array.from({ length: 16 }, (_, i) => `lat_${i}`),
];

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('health_rollups', table => {
    for (const c of COUNTS) {
      table.bigInteger(`run_${c}`).notNullable().defaultTo(0);
    }
  });
  await knex.schema.createTable('health_running', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('resolution', 1).notNullable();
    // the first and the latest bucket written for this entity at this resolution
    table.bigInteger('first_bucket').notNullable();
    table.bigInteger('bucket_start').notNullable();
    for (const c of COUNTS) {
      table.bigInteger(`run_${c}`).notNullable().defaultTo(0);
    }
    table.primary(['entity_ref', 'resolution']);
  });
  const sums = COUNTS.map(
    c =>
      `SUM(${c}) OVER (PARTITION BY entity_ref, resolution ORDER BY bucket_start) AS run_${c}`,
  ).join(', ');
  await knex.raw(
    `UPDATE health_rollups SET ${COUNTS.map(c => `run_${c} = s.run_${c}`).join(
      ', ',
    )}
     FROM (SELECT entity_ref, resolution, bucket_start, ${sums} FROM health_rollups) s
     WHERE health_rollups.entity_ref = s.entity_ref
       AND health_rollups.resolution = s.resolution
       AND health_rollups.bucket_start = s.bucket_start`,
  );
  const runs = COUNTS.map(c => `run_${c}`).join(', ');
  await knex.raw(
    `INSERT INTO health_running (entity_ref, resolution, first_bucket, bucket_start, ${runs})
     SELECT r.entity_ref, r.resolution,
       (SELECT min(x.bucket_start) FROM health_rollups x
         WHERE x.entity_ref = r.entity_ref AND x.resolution = r.resolution),
       r.bucket_start, ${COUNTS.map(c => `r.run_${c}`).join(', ')}
     FROM health_rollups r
     WHERE r.bucket_start = (SELECT max(x.bucket_start) FROM health_rollups x
       WHERE x.entity_ref = r.entity_ref AND x.resolution = r.resolution)`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('health_running');
  await knex.schema.alterTable('health_rollups', table => {
    for (const c of COUNTS) table.dropColumn(`run_${c}`);
  });
};
