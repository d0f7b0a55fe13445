// @ts-check

/**
 * When the portal first saw each probed endpoint: failures within the
 * start-up grace period after it (`health.probes.startupGrace`) are shown
 * but not counted. Endpoints known before this migration have none (no grace).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('health_endpoints', table => {
    table.bigInteger('first_seen_at');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('health_endpoints', table => {
    table.dropColumn('first_seen_at');
  });
};
