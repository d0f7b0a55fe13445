// @ts-check

/**
 * What PostgreSQL needs to verify the chain and write exports itself:
 *
 * - `audit_chain_record`, a row type whose fields are the keys of an event's
 *   canonical JSON in their sorted order (chain.ts chainRecordJson), so that
 *   `row_to_json(ROW(...)::audit_chain_record)` writes that JSON byte for byte;
 * - `audit_reveal_meta(meta, people)`, stored meta with the pseudonyms of
 *   people not erased replaced by their entity refs, exactly as
 *   exportFormats.ts revealMeta does in Node. `people` maps subject ids to
 *   entity refs (built once per export).
 *
 * Nothing to do on SQLite, which verifies and exports in Node.
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw(`
    CREATE TYPE audit_chain_record AS (
      action text, actor text, "actorType" text, "correlationId" text, error text,
      id text, ip text, meta text, "metaTruncated" boolean, method text,
      outcome text, path text, plugin text, "prevHash" text, "realActor" text,
      seq bigint, severity text, target text, ts text, "userAgent" text
    )`);
  // "subject:<36 of 0-9a-f->" in quotes, left to right, a match consumed
  // whole: the JavaScript regular expression /"subject:([0-9a-f-]{36})"/g
  await knex.raw(`
    CREATE FUNCTION audit_reveal_meta(meta text, people jsonb) RETURNS text
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
      revealed text := '';
      rest text := meta;
      at integer;
      subject text;
      person text;
    BEGIN
      IF meta IS NULL THEN
        RETURN NULL;
      END IF;
      LOOP
        at := strpos(rest, '"subject:');
        EXIT WHEN at = 0;
        subject := substr(rest, at + 9, 36);
        IF substr(rest, at + 45, 1) = '"' AND subject ~ '^[0-9a-f-]{36}$' THEN
          person := people ->> subject;
          revealed := revealed || substr(rest, 1, at - 1)
            || coalesce(to_json(person)::text, substr(rest, at, 46));
          rest := substr(rest, at + 46);
        ELSE
          revealed := revealed || substr(rest, 1, at);
          rest := substr(rest, at + 1);
        END IF;
      END LOOP;
      RETURN revealed || rest;
    END
    $$`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  if (knex.client.config.client !== 'pg') return;
  await knex.raw('DROP FUNCTION IF EXISTS audit_reveal_meta(text, jsonb)');
  await knex.raw('DROP TYPE IF EXISTS audit_chain_record');
};
