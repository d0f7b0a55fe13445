import { Knex } from 'knex';
import { Client, escapeLiteral } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

/**
 * A part of an export: its bytes and the events it holds. A part written by
 * PostgreSQL holds no count: the last part carries the count and the first
 * and last sequence numbers of the whole export.
 */
export interface ExportPage {
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
  // most cells start with a letter (above 64): one comparison
  return `CASE WHEN ascii(${expression}) > 64 THEN ${expression}
    WHEN ascii(${expression}) IN (61, 43, 45, 64, 9, 13) THEN '''' || ${expression}
    ELSE nullif(${expression}, '') END`;
}

/**
 * The people not erased, subject id to entity ref, read once per export
 * (a lookup per row in this map costs a fraction of a join).
 */
const PEOPLE = `CROSS JOIN (
    SELECT coalesce(jsonb_object_agg(subject_id, entity_ref), '{}'::jsonb) AS map
    FROM audit_subjects WHERE entity_ref IS NOT NULL
  ) people`;

/** The person behind a pseudonym column; null when erased or not a pseudonym. */
function personOf(column: string): string {
  return `CASE WHEN e.${column} LIKE 'subject:%' THEN people.map ->> substr(e.${column}, 9) END`;
}

/** A column that holds a pseudonym: the person's ref, or `erased:<id>` once erased (actorCell). */
function person(column: string): string {
  return `CASE WHEN e.${column} LIKE 'subject:%' THEN coalesce(${personOf(column)}, 'erased:' || substr(e.${column}, 9)) ELSE e.${column} END`;
}

/** Meta with the pseudonyms of people not erased revealed (revealMeta). */
function meta(): string {
  return `CASE WHEN strpos(e.meta, '"subject:') > 0 THEN audit_reveal_meta(e.meta, people.map) ELSE e.meta END`;
}

/** The target: a pseudonym's person, the pseudonym once erased (targetText). */
function target(): string {
  return `CASE WHEN e.target LIKE 'subject:%' THEN coalesce(${personOf('target')}, e.target) ELSE e.target END`;
}

/**
 * The SELECT whose rows COPY writes as the CSV records csvLineOfRow writes:
 * the same columns, the same pseudonym lookups, the same neutralised cells
 * (DatabaseAuditStore.test.ts compares the two byte for byte).
 */
function csvSelect(filtered: string): string {
  // id, ts, actor type, severity, outcome, correlation id and the hashes
  // are of a kind the store checks or writes itself (letters, digits, an ISO
  // time, hex): no cell of theirs can start a formula or be empty
  return `SELECT seq, id, ts, ${cell('actor_text')}, actor_type_text,
      ${cell('real_actor_text')}, ${cell('ip')}, ${cell('user_agent')}, ${cell('plugin')}, ${cell('action')},
      severity, ${cell('target_text')}, outcome, ${cell('error')}, ${cell('method')},
      ${cell('path_text')}, ${cell('meta_text')}, CASE WHEN meta_truncated THEN 'true' ELSE 'false' END,
      correlation_id, prev_hash, hash
    FROM (
      SELECT e.seq, e.id, e.ts,
        ${person('actor')} AS actor_text,
        CASE WHEN e.actor LIKE 'subject:%' THEN 'user' ELSE e.actor_type END AS actor_type_text,
        ${person('real_actor')} AS real_actor_text,
        e.ip, e.user_agent, e.plugin, e.action, e.severity,
        ${target()} AS target_text,
        e.outcome, e.error, e.method,
        CASE WHEN e.method <> '' THEN coalesce(e.path, '') END AS path_text,
        ${meta()} AS meta_text,
        e.meta_truncated, e.correlation_id, e.prev_hash, e.hash
      FROM (${filtered}) e
      ${PEOPLE}
    ) x
    ORDER BY seq`;
}

/** A text or null column as JSON, as JSON.stringify writes it (to_json escapes the same characters the same way). */
function json(expression: string): string {
  return `to_json(${expression})::text`;
}

/** A text column known to need no escaping, as JSON. */
function plain(expression: string): string {
  return `'"' || ${expression} || '"'`;
}

type Quote = (expression: string) => string;

/**
 * The `actor` / `realActor` object of an NDJSON line, as exportFormats.ts
 * actorJson writes it; `type` is the type already as JSON, `personColumn` the
 * column holding the person behind a pseudonym (null when erased).
 */
function actorJson(column: string, personColumn: string, type: string, q: Quote): string {
  return `CASE
      WHEN e.${column} IS NULL OR e.${column} = '' THEN '{"type":' || ${type} || '}'
      WHEN e.${column} NOT LIKE 'subject:%' THEN '{"type":' || ${type} || ',"ref":' || ${q(`e.${column}`)} || '}'
      WHEN e.${personColumn} IS NOT NULL
        THEN '{"type":"user","ref":' || ${q(`e.${personColumn}`)} || ',"subjectId":' || ${q(`substr(e.${column}, 9)`)} || '}'
      ELSE '{"type":"user","subjectId":' || ${q(`substr(e.${column}, 9)`)} || ',"erased":true}'
    END`;
}

/** `,"key":<json>` for a column that is not null, nothing for null (exportFormats.ts member). */
function member(key: string, expression: string, q: Quote): string {
  return `coalesce(',"${key}":' || ${q(expression)}, '')`;
}

/**
 * The texts an NDJSON line writes as JSON strings: columns, and what the
 * fenced subquery of ndjsonSelect looks up (the people behind pseudonyms,
 * the target as shown).
 */
const ESCAPED = [
  'actor', 'real_actor', 'ip', 'user_agent', 'plugin', 'action', 'error', 'method', 'path',
  'actor_person', 'real_actor_person', 'target_text',
];

/**
 * One NDJSON line as ndjsonLineOfRow writes it, with `q` writing the text
 * columns of ESCAPED as JSON strings. id, ts, actor type, severity,
 * outcome, correlation id and the hashes are written as they are (the store
 * checks or writes them: letters and digits, an ISO time, hex).
 */
function ndjsonLine(q: Quote): string {
  return `'{"id":"' || e.id || '","seq":' || e.seq || ',"timestamp":"' || e.ts || '"'
      || ',"actor":' || ${actorJson('actor', 'actor_person', `'"' || e.actor_type || '"'`, q)}
      || CASE WHEN e.real_actor <> '' THEN ',"realActor":' || ${actorJson('real_actor', 'real_actor_person', `'"user"'`, q)} ELSE '' END
      || ${member('ip', 'e.ip', q)} || ${member('userAgent', 'e.user_agent', q)}
      || ',"plugin":' || ${q('e.plugin')} || ',"action":' || ${q('e.action')}
      || ',"severity":"' || e.severity || '"'
      || ${member('target', 'e.target_text', q)}
      || ',"outcome":"' || e.outcome || '"' || ${member('error', 'e.error', q)}
      || CASE WHEN e.method <> ''
           THEN ',"request":{"method":' || ${q('e.method')} || ',"path":' || ${q("coalesce(e.path, '')")} || '}'
           ELSE '' END
      || CASE WHEN e.meta <> ''
           THEN ',"meta":' || e.meta_text
           ELSE '' END
      || ',"metaTruncated":' || CASE WHEN e.meta_truncated THEN 'true' ELSE 'false' END
      || ',"correlationId":"' || e.correlation_id || '"'
      || ',"prevHash":"' || e.prev_hash || '","hash":"' || e.hash || '"}' || E'\n'`;
}

/**
 * Each row's sequence number and its NDJSON line. The innermost query
 * looks up the people behind pseudonyms, once per row. Most events hold no
 * character JSON escapes (quote, backslash, control characters) in their
 * texts: one to_json over all of them together tells (it adds only the two
 * quotes), and such a row's strings are written as they are instead of
 * through a to_json call each. (OFFSET 0 keeps PostgreSQL from folding a
 * level into the next, which would compute its columns once per use; the
 * ORDER BY inside keeps the rows in index order instead of sorting them.)
 */
function ndjsonSelect(filtered: string): string {
  const all = `concat(${ESCAPED.map(c => `e.${c}`).join(', ')})`;
  return `SELECT e.seq, CASE WHEN e.plain THEN ${ndjsonLine(plain)} ELSE ${ndjsonLine(json)} END
    FROM (
      SELECT e.*, octet_length(to_json(${all})::text) = octet_length(${all}) + 2 AS plain
      FROM (
        SELECT e.*,
          ${personOf('actor')} AS actor_person,
          ${personOf('real_actor')} AS real_actor_person,
          ${target()} AS target_text,
          ${meta()} AS meta_text
        FROM (${filtered}) e
        ${PEOPLE}
        ORDER BY e.seq
        OFFSET 0
      ) e
      ORDER BY e.seq
      OFFSET 0
    ) e
    ORDER BY e.seq`;
}

/**
 * The rows of a binary COPY of (seq bigint, line text), as the lines' bytes:
 * the framing (a header, then per row a field count and each field's
 * length) is dropped, the lines copied out whole. Keeps the part of a row
 * that a chunk cuts off for the next chunk.
 */
class CopyBinaryLines {
  rows = 0;
  firstSeq?: number;
  lastSeq?: number;
  finished = false;
  private pending: Buffer = Buffer.alloc(0);
  private headerRead = false;

  push(chunk: Buffer): Buffer {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let pos = 0;
    if (!this.headerRead) {
      // PGCOPY\n\377\r\n\0, flags, header extension length, extension
      if (buf.length < 19) return this.keep(buf, 0);
      if (buf.toString('latin1', 0, 11) !== 'PGCOPY\n\xff\r\n\0') {
        throw new Error('The database did not answer COPY in binary format');
      }
      const extension = buf.readUInt32BE(15);
      if (buf.length < 19 + extension) return this.keep(buf, 0);
      pos = 19 + extension;
      this.headerRead = true;
    }
    const out = Buffer.allocUnsafe(buf.length);
    let written = 0;
    while (buf.length - pos >= 2) {
      const fields = buf.readInt16BE(pos);
      if (fields === -1) {
        this.finished = true;
        pos += 2;
        break;
      }
      if (fields !== 2) throw new Error(`COPY sent a row of ${fields} fields, expected 2`);
      if (buf.length - pos < 18) break;
      const length = buf.readInt32BE(pos + 14);
      const end = pos + 18 + length;
      if (end > buf.length) break;
      const seq = Number(buf.readBigInt64BE(pos + 6));
      this.firstSeq ??= seq;
      this.lastSeq = seq;
      this.rows += 1;
      buf.copy(out, written, pos + 18, end);
      written += length;
      pos = end;
    }
    this.keep(buf, pos);
    return out.subarray(0, written);
  }

  private keep(buf: Buffer, from: number): Buffer {
    // a copy: a slice would keep the whole chunk alive
    this.pending = Buffer.from(buf.subarray(from));
    return Buffer.alloc(0);
  }
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
 * An export written by PostgreSQL itself: `COPY (SELECT ...) TO STDOUT` on
 * a connection of its own, in one REPEATABLE READ snapshot, so the rows,
 * their count and their first and last sequence numbers agree whatever is
 * appended meanwhile. CSV comes as COPY writes CSV; NDJSON as a binary COPY
 * of each row's sequence number and line, unframed here. Node only passes
 * the bytes on, in the chunks PostgreSQL sends, with back-pressure: memory
 * stays flat whatever the size. A reader that stops early ends the
 * connection, which ends the COPY; nothing is written anywhere.
 */
export async function* postgresExport(
  db: Knex,
  filtered: Knex.QueryBuilder,
  format: 'csv' | 'ndjson',
): AsyncGenerator<ExportPage> {
  const native = filtered.toSQL().toNative();
  const where = inlineBindings(native.sql, native.bindings as unknown[]);
  const client = new Client(db.client.connectionSettings);
  await client.connect();
  let finished = false;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    if (format === 'csv') {
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
      return;
    }
    const lines = new CopyBinaryLines();
    const copy = client.query(copyTo(`COPY (${ndjsonSelect(where)}) TO STDOUT WITH (FORMAT binary)`));
    for await (const chunk of copy) {
      const data = lines.push(chunk as Buffer);
      if (data.length) yield { data, rowCount: 0 };
    }
    if (!lines.finished) throw new Error('The COPY of the export ended before its last row');
    await client.query('COMMIT');
    finished = true;
    yield { data: '', rowCount: lines.rows, firstSeq: lines.firstSeq, lastSeq: lines.lastSeq };
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
