// @ts-check

/**
 * Support tickets: tickets with their SLA clocks and GitHub link, labels,
 * watchers, comments and internal notes, the history of every change, and
 * the GitHub sync's outbox and seen webhook deliveries. Times are epoch
 * milliseconds, identical on SQLite and PostgreSQL.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  /** @param {import('knex').Knex.CreateTableBuilder} table @param {string} name */
  const clock = (table, name) => {
    table.string(`${name}_state`, 10).notNullable().defaultTo('none');
    table.bigInteger(`${name}_due_at`);
    table.bigInteger(`${name}_warn_at`);
    table.bigInteger(`${name}_met_at`);
    table.bigInteger(`${name}_remaining_ms`);
  };
  await knex.schema.createTable('support_tickets', table => {
    table.increments('id');
    table.string('entity_ref', 255).notNullable();
    table.string('entity_title', 255);
    table.string('queue_ref', 255).notNullable();
    table.string('type', 16).notNullable();
    table.string('priority', 2).notNullable();
    table.string('title', 255).notNullable();
    table.text('body').notNullable();
    table.text('labels').notNullable().defaultTo('[]');
    table.string('status', 24).notNullable();
    table.boolean('is_open').notNullable();
    table.string('requester_ref', 255).notNullable();
    table.string('assignee_ref', 255);
    table.bigInteger('created_at').notNullable();
    table.bigInteger('updated_at').notNullable();
    table.bigInteger('first_response_at');
    table.bigInteger('resolved_at');
    table.bigInteger('closed_at');
    table.integer('comment_count').notNullable().defaultTo(0);
    table.integer('version').notNullable().defaultTo(1);
    // SLA: the policy's clocks, paused while waiting on the requester
    table.string('sla_policy', 2);
    table.bigInteger('sla_paused_at');
    table.bigInteger('sla_paused_ms').notNullable().defaultTo(0);
    clock(table, 'response');
    clock(table, 'resolution');
    // the earliest running due time, or a far future for none: one index sorts by it
    table.bigInteger('breach_order').notNullable();
    // when the SLA job next has a warning or breach to announce
    table.bigInteger('next_sla_check_at');
    // GitHub issue sync
    table.string('github_repo', 200);
    table.integer('github_issue_number');
    table.string('github_state', 16);
    table.text('github_error');
    table.bigInteger('github_retry_at');
    table.bigInteger('github_synced_at');
    table.string('github_issue_etag', 200);
    table.string('github_comments_etag', 200);
    table.string('github_comments_since', 40);
    table.index(
      ['queue_ref', 'is_open', 'breach_order', 'id'],
      'support_tickets_queue_idx',
    );
    table.index(['is_open', 'breach_order', 'id'], 'support_tickets_open_idx');
    table.index(['entity_ref', 'is_open'], 'support_tickets_entity_idx');
    table.index(['requester_ref', 'is_open'], 'support_tickets_requester_idx');
    table.index(['assignee_ref', 'is_open'], 'support_tickets_assignee_idx');
    table.index(['next_sla_check_at'], 'support_tickets_sla_idx');
    table.unique(['github_repo', 'github_issue_number'], {
      indexName: 'support_tickets_github_idx',
    });
  });
  await knex.schema.createTable('support_ticket_labels', table => {
    table
      .integer('ticket_id')
      .notNullable()
      .references('id')
      .inTable('support_tickets')
      .onDelete('CASCADE');
    table.string('label', 64).notNullable();
    table.primary(['ticket_id', 'label']);
    table.index(['label', 'ticket_id'], 'support_ticket_labels_label_idx');
  });
  await knex.schema.createTable('support_ticket_watchers', table => {
    table
      .integer('ticket_id')
      .notNullable()
      .references('id')
      .inTable('support_tickets')
      .onDelete('CASCADE');
    table.string('user_ref', 255).notNullable();
    table.primary(['ticket_id', 'user_ref']);
    table.index(['user_ref', 'ticket_id'], 'support_ticket_watchers_user_idx');
  });
  await knex.schema.createTable('support_comments', table => {
    table.increments('id');
    table
      .integer('ticket_id')
      .notNullable()
      .references('id')
      .inTable('support_tickets')
      .onDelete('CASCADE');
    table.string('author_ref', 255).notNullable();
    table.text('body').notNullable();
    table.string('visibility', 10).notNullable();
    table.string('source', 10).notNullable();
    table.bigInteger('created_at').notNullable();
    table.bigInteger('edited_at');
    table.bigInteger('github_comment_id');
    table.index(['ticket_id', 'id'], 'support_comments_ticket_idx');
    table.unique(['ticket_id', 'github_comment_id'], {
      indexName: 'support_comments_github_idx',
    });
  });
  await knex.schema.createTable('support_events', table => {
    table.increments('id');
    table
      .integer('ticket_id')
      .notNullable()
      .references('id')
      .inTable('support_tickets')
      .onDelete('CASCADE');
    table.bigInteger('at').notNullable();
    table.string('actor_ref', 255).notNullable();
    table.string('kind', 24).notNullable();
    table.text('from_value');
    table.text('to_value');
    table.integer('comment_id');
    table.index(['ticket_id', 'id'], 'support_events_ticket_idx');
  });
  await knex.schema.createTable('support_github_outbox', table => {
    table.increments('id');
    table
      .integer('ticket_id')
      .notNullable()
      .references('id')
      .inTable('support_tickets')
      .onDelete('CASCADE');
    table.string('kind', 16).notNullable();
    table.integer('comment_id');
    table.integer('attempts').notNullable().defaultTo(0);
    table.bigInteger('next_attempt_at').notNullable();
    table.text('last_error');
    table.bigInteger('created_at').notNullable();
    table.index(['next_attempt_at'], 'support_github_outbox_due_idx');
    table.index(['ticket_id'], 'support_github_outbox_ticket_idx');
  });
  await knex.schema.createTable('support_github_deliveries', table => {
    table.string('delivery_id', 100).primary();
    table.bigInteger('received_at').notNullable();
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  for (const name of [
    'support_github_deliveries',
    'support_github_outbox',
    'support_events',
    'support_comments',
    'support_ticket_watchers',
    'support_ticket_labels',
    'support_tickets',
  ]) {
    await knex.schema.dropTable(name);
  }
};
