// @ts-check

/**
 * The audit store: an append-only, hash-chained table of events, the
 * pseudonyms people are stored under, the chain's head (the lock every writer
 * takes) and the manifests of completed exports.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('audit_events', table => {
    table.bigInteger('seq').primary().notNullable();
    table.string('id', 26).notNullable().unique();
    // ISO 8601 UTC with milliseconds: sortable as text, hashed as text
    table.string('ts', 24).notNullable();
    table.text('actor');
    table.string('actor_type', 10).notNullable();
    table.text('real_actor');
    table.text('ip');
    table.text('user_agent');
    table.string('plugin', 100).notNullable();
    table.string('action', 200).notNullable();
    table.string('severity', 10).notNullable();
    table.text('target');
    table.string('outcome', 10).notNullable();
    table.text('error');
    table.string('method', 10);
    table.text('path');
    table.text('meta');
    table.boolean('meta_truncated').notNullable().defaultTo(false);
    table.string('correlation_id', 26).notNullable();
    table.string('prev_hash', 64).notNullable();
    table.string('hash', 64).notNullable();
    table.index(['ts'], 'audit_events_ts_idx');
    table.index(['actor', 'seq'], 'audit_events_actor_idx');
    table.index(['real_actor', 'seq'], 'audit_events_real_actor_idx');
    table.index(['target', 'seq'], 'audit_events_target_idx');
    table.index(['action', 'seq'], 'audit_events_action_idx');
    table.index(['plugin', 'seq'], 'audit_events_plugin_idx');
    table.index(['severity', 'seq'], 'audit_events_severity_idx');
  });

  await knex.schema.createTable('audit_subjects', table => {
    table.string('subject_id', 36).primary().notNullable();
    // sha256 of the entity ref, to find a person's pseudonym; null once erased
    table.string('ref_hash', 64).unique();
    // the person's entity ref; null once erased, which makes it unrecoverable
    table.text('entity_ref');
    table.string('created_at', 24).notNullable();
    table.string('erased_at', 24);
  });

  await knex.schema.createTable('audit_chain_head', table => {
    table.integer('id').primary().notNullable();
    table.bigInteger('seq').notNullable();
    table.string('hash', 64).notNullable();
  });
  await knex('audit_chain_head').insert({
    id: 1,
    seq: 0,
    hash: '0'.repeat(64),
  });

  await knex.schema.createTable('audit_exports', table => {
    table.string('export_id', 26).primary().notNullable();
    table.text('manifest').notNullable();
    table.string('created_at', 24).notNullable();
  });

  if (knex.client.config.client === 'pg') {
    // Append-only: UPDATE, DELETE and TRUNCATE are refused, except DELETE by
    // the retention job, which sets audit_log.retention inside its transaction.
    await knex.raw(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger AS $$
      BEGIN
        IF TG_OP = 'DELETE' AND current_setting('audit_log.retention', true) = 'on' THEN
          RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_events is append-only: % refused', TG_OP;
      END
      $$ LANGUAGE plpgsql`);
    await knex.raw(`
      CREATE TRIGGER audit_events_append_only
      BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
    await knex.raw(`
      CREATE TRIGGER audit_events_no_truncate
      BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
  } else {
    await knex.raw(`
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: UPDATE refused'); END`);
    await knex.raw(`
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
      BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: DELETE refused'); END`);
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client === 'pg') {
    await knex.raw(
      'DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events',
    );
    await knex.raw(
      'DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events',
    );
    await knex.raw('DROP FUNCTION IF EXISTS audit_events_append_only()');
  }
  await knex.schema.dropTable('audit_exports');
  await knex.schema.dropTable('audit_chain_head');
  await knex.schema.dropTable('audit_subjects');
  await knex.schema.dropTable('audit_events');
};
