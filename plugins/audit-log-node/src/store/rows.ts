import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { ChainRecord } from '../chain';

export { SUBJECT_PREFIX } from '../exportFormats';

/** The stored row of an event (table audit_events). */
export interface EventRow {
  seq: number | string;
  id: string;
  ts: string;
  actor: string | null;
  actor_type: string;
  real_actor: string | null;
  ip: string | null;
  user_agent: string | null;
  plugin: string;
  action: string;
  severity: string;
  target: string | null;
  outcome: string;
  error: string | null;
  method: string | null;
  path: string | null;
  meta: string | null;
  meta_truncated: boolean | number;
  correlation_id: string;
  prev_hash: string;
  hash: string;
}

/** A person's entity ref: the refs the store keeps under a pseudonym. */
export const USER_REF = /^user:[^:/\s]+\/[^\s]+$/i;

/** The event the store appends when it purges old events. */
export const RETENTION_CHECKPOINT_ACTION = 'retention-checkpoint';

/** The key a person's ref is found under in audit_subjects (the ref is not stored in clear there once erased). */
export function refHash(ref: string): string {
  return createHash('sha256')
    .update(ref.toLocaleLowerCase('en-US'))
    .digest('hex');
}

export function isPostgres(db: Knex): boolean {
  return db.client.config.client === 'pg';
}

/** The columns of a stored row that its hash covers. */
export function toRecord(row: EventRow): ChainRecord {
  return {
    seq: Number(row.seq),
    id: row.id,
    ts: row.ts,
    actor: row.actor,
    actorType: row.actor_type,
    realActor: row.real_actor,
    ip: row.ip,
    userAgent: row.user_agent,
    plugin: row.plugin,
    action: row.action,
    severity: row.severity,
    target: row.target,
    outcome: row.outcome,
    error: row.error,
    method: row.method,
    path: row.path,
    meta: row.meta,
    metaTruncated: Boolean(row.meta_truncated),
    correlationId: row.correlation_id,
  };
}
