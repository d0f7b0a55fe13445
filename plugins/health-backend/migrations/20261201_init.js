// @ts-check

/**
 * Health probes: the probed endpoints with their latest result, raw probe
 * results (kept for a bounded time), rollups per minute, hour and day with
 * a latency histogram, the computed SLO summary per entity, burn-rate alert
 * states and incidents. Times are epoch milliseconds on both databases.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('health_endpoints', table => {
    table.string('entity_ref', 255).primary();
    table.string('kind', 64).notNullable();
    table.string('title', 255);
    table.string('owner', 255);
    table.string('system', 255);
    table.string('stack', 255);
    table.string('capability', 64);
    table.text('url');
    table.text('annotations').notNullable().defaultTo('{}');
    table.text('problems').notNullable().defaultTo('[]');
    table.bigInteger('seen_at').notNullable();
    table.string('last_status', 16);
    table.bigInteger('last_at');
    table.integer('last_latency_ms');
    table.integer('last_http_status');
    table.text('last_error');
    table.string('last_version', 64);
    table.text('last_flags');
    table.text('probe_problem');
    table.integer('down_streak').notNullable().defaultTo(0);
    table.integer('answer_streak').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('health_probes', table => {
    table.bigIncrements('id');
    table.string('entity_ref', 255).notNullable();
    table.bigInteger('at').notNullable();
    table.string('status', 16).notNullable();
    table.integer('latency_ms');
    table.integer('http_status');
    table.text('error');
    table.string('version', 64);
    table.index(['entity_ref', 'at'], 'health_probes_entity_at_idx');
    table.index(['at'], 'health_probes_at_idx');
  });
  await knex.schema.createTable('health_rollups', table => {
    table.string('entity_ref', 255).notNullable();
    // m: minute, h: hour, d: day (UTC)
    table.string('resolution', 1).notNullable();
    table.bigInteger('bucket_start').notNullable();
    table.integer('up').notNullable().defaultTo(0);
    table.integer('degraded').notNullable().defaultTo(0);
    table.integer('down').notNullable().defaultTo(0);
    table.integer('disabled').notNullable().defaultTo(0);
    table.integer('latency_max').notNullable().defaultTo(0);
    // latency histogram: lat_0 .. lat_15 count answers per bucket (LATENCY_BOUNDS_MS)
    for (let i = 0; i < 16; i++) {
      table.integer(`lat_${i}`).notNullable().defaultTo(0);
    }
    table.primary(['entity_ref', 'resolution', 'bucket_start']);
    table.index(['resolution', 'bucket_start'], 'health_rollups_res_start_idx');
  });
  await knex.schema.createTable('health_slo', table => {
    table.string('entity_ref', 255).primary();
    table.bigInteger('computed_at').notNullable();
    table.text('figures').notNullable();
    table.text('budget').notNullable();
    table.text('uptime').notNullable();
    table.integer('p95_24h');
    table.double('degraded_24h');
    table.double('availability_30d');
  });
  await knex.schema.createTable('health_alerts', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('rule', 32).notNullable();
    table.string('severity', 8).notNullable();
    table.boolean('firing').notNullable();
    table.bigInteger('since').notNullable();
    table.double('burn_rate').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.primary(['entity_ref', 'rule']);
  });
  await knex.schema.createTable('health_incidents', table => {
    table.increments('id');
    table.string('entity_ref', 255).notNullable();
    table.bigInteger('opened_at').notNullable();
    table.bigInteger('closed_at');
    table.text('cause').notNullable();
    table.index(['entity_ref', 'opened_at'], 'health_incidents_entity_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const table of [
    'health_incidents',
    'health_alerts',
    'health_slo',
    'health_rollups',
    'health_probes',
    'health_endpoints',
  ]) {
    await knex.schema.dropTable(table);
  }
};
