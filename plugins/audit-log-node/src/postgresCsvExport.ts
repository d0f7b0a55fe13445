import { Knex } from 'knex';
import { Client, escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/** A chunk of an export: bytes, and at the end the rows they held. */
export interface ExportChunk {
  data: string | Buffer;
  rowCount: number;
  firstSeq?: number;
  lastSeq?: number;
}

/**
 * One CSV cell as exportFormats.ts textCell writes it, left to COPY's own
 * quoting (it quotes exactly the cells holding a quote, comma, CR or LF):
 * a cell a spreadsheet would run as a formula (starting with =, +, -, @,
 * tab or CR) is prefixed with a quote; an empty cell becomes NULL, which
 * COPY writes as nothing (an empty string it would write as "").
 */
function cell(expression: string): string {
  return `nullif(CASE WHEN ascii(${expression}) IN (61, 43, 45, 64, 9, 13) THEN '''' || ${expression} ELSE ${expression} END, '')`;
}

/** A column that holds a pseudonym: the person's ref, or `erased:<id>` once erased (actorCell). */
function person(column: string, subjects: string): string {
  return `CASE WHEN e.${column} LIKE 'subject:%' THEN coalesce(${subjects}.entity_ref, 'erased:' || substr(e.${column}, 9)) ELSE e.${column} END`;
}

/**
 * The SELECT whose rows COPY writes as the CSV records csvLineOfRow writes:
 * the same columns, the same pseudonym lookups, the same neutralised cells
 * (DatabaseAuditStore.test.ts compares the two byte for byte).
 */
function csvSelect(filtered: string): string {
  return `SELECT seq, ${cell('id')}, ${cell('ts')}, ${cell('actor_text')}, ${cell('actor_type_text')},
      ${cell('real_actor_text')}, ${cell('ip')}, ${cell('user_agent')}, ${cell('plugin')}, ${cell('action')},
      ${cell('severity')}, ${cell('target_text')}, ${cell('outcome')}, ${cell('error')}, ${cell('method')},
      ${cell('path_text')}, ${cell('meta_text')}, CASE WHEN meta_truncated THEN 'true' ELSE 'false' END,
      ${cell('correlation_id')}, ${cell('prev_hash')}, ${cell('hash')}
    FROM (
      SELECT e.seq, e.id, e.ts,
        ${person('actor', 'sa')} AS actor_text,
        CASE WHEN e.actor LIKE 'subject:%' THEN 'user' ELSE e.actor_type END AS actor_type_text,
        ${person('real_actor', 'sr')} AS real_actor_text,
        e.ip, e.user_agent, e.plugin, e.action, e.severity,
        CASE WHEN e.target LIKE 'subject:%' THEN coalesce(st.entity_ref, e.target) ELSE e.target END AS target_text,
        e.outcome, e.error, e.method,
        CASE WHEN e.method <> '' THEN coalesce(e.path, '') END AS path_text,
        CASE WHEN strpos(e.meta, '"subject:') > 0 THEN audit_reveal_meta(e.meta) ELSE e.meta END AS meta_text,
        e.meta_truncated, e.correlation_id, e.prev_hash, e.hash
      FROM (${filtered}) e
      LEFT JOIN audit_subjects sa ON e.actor LIKE 'subject:%' AND sa.subject_id = substr(e.actor, 9)
      LEFT JOIN audit_subjects sr ON e.real_actor LIKE 'subject:%' AND sr.subject_id = substr(e.real_actor, 9)
      LEFT JOIN audit_subjects st ON e.target LIKE 'subject:%' AND st.subject_id = substr(e.target, 9)
    ) x
    ORDER BY seq`;
}

/**
 * A query's SQL with its bindings written in as literals: COPY takes no
 * parameters. Only strings (quoted by pg's escapeLiteral) and finite numbers
 * are accepted; anything else is refused rather than guessed at.
 */
export function inlineBindings(sql: string, bindings: readonly unknown[]): string {
  return sql.replace(/\$(\d+)/g, (_match, index: string) => {
    const value = bindings[Number(index) - 1];
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string') return escapeLiteral(value);
    throw new Error(`Cannot write a ${typeof value} binding into a COPY statement`);
  });
}

/**
 * A CSV export written by PostgreSQL itself: `COPY (SELECT ...) TO STDOUT`
 * on a connection of its own, in one REPEATABLE READ snapshot, so the rows,
 * their count and their first and last sequence numbers agree whatever is
 * appended meanwhile. Node only passes the bytes on, in the chunks PostgreSQL
 * sends, with back-pressure: memory stays flat whatever the size. A reader
 * that stops early ends the connection, which ends the COPY; nothing is
 * written anywhere.
 */
export async function* postgresCsvExport(
  db: Knex,
  filtered: Knex.QueryBuilder,
): AsyncGenerator<ExportChunk> {
  const native = filtered.toSQL().toNative();
  const where = inlineBindings(native.sql, native.bindings as unknown[]);
  const client = new Client(db.client.connectionSettings);
  await client.connect();
  let finished = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const copy = client.query(copyTo(`COPY (${csvSelect(where)}) TO STDOUT WITH (FORMAT csv)`));
    for await (const chunk of copy) {
      yield { data: chunk as Buffer, rowCount: 0 };
    }
    const rowCount = copy.rowCount;
    let bounds: { first?: number; last?: number } = {};
    if (rowCount) {
      const { rows } = await client.query(
        `SELECT min(seq) AS first, max(seq) AS last FROM (${where}) e`,
      );
      bounds = { first: Number(rows[0].first), last: Number(rows[0].last) };
    }
    await client.query('COMMIT');
    finished = true;
    yield { data: '', rowCount, firstSeq: bounds.first, lastSeq: bounds.last };
  } finally {
    if (finished) {
      await client.end();
    } else {
      // a COPY cut short: the connection goes, and the COPY with it
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      await client.end().catch(() => undefined);
    }
  }
}
