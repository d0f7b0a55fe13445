import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  OUTCOMES,
  SEVERITIES,
} from '@internal/backstage-plugin-audit-log-common';
import { Knex } from 'knex';
import { AuditEventInput } from '../AuditStore';
import { ChainRecord, chainHash } from '../chain';
import { prepareMeta } from '../prepareMeta';
import { ulid } from '../ulid';
import { EventRow, SUBJECT_PREFIX, USER_REF } from './rows';
import { SubjectDirectory } from './SubjectDirectory';

interface Pending {
  input: AuditEventInput;
  resolve(result: { id: string; seq: number }): void;
  reject(error: Error): void;
}

/** Events written in one transaction at most. */
const BATCH = 500;
/** Rows in one INSERT statement. */
const INSERT_CHUNK = 200;
/** A person's ref quoted in meta's JSON. */
const USER_REF_IN_META = /"(user:[^"\\\s:/]+\/[^"\\\s]+)"/gi;

const ACTOR_TYPES: ReadonlyArray<string> = ['user', 'service', 'none'];
/** Ids the store writes (ULIDs) and ids callers may give: letters and digits. */
const EVENT_ID = /^[0-9A-Za-z]{1,26}$/;

/** What is wrong with an event to append, if anything. */
export function invalidInput(input: AuditEventInput): string | undefined {
  if (!(SEVERITIES as ReadonlyArray<string>).includes(input.severity)) {
    return `severity "${input.severity}" is not one of ${SEVERITIES.join(
      ', ',
    )}`;
  }
  if (!(OUTCOMES as ReadonlyArray<string>).includes(input.outcome)) {
    return `outcome "${input.outcome}" is not one of ${OUTCOMES.join(', ')}`;
  }
  for (const actor of [input.actor, input.realActor]) {
    if (actor && !ACTOR_TYPES.includes(actor.type)) {
      return `actor type "${actor.type}" is not one of ${ACTOR_TYPES.join(
        ', ',
      )}`;
    }
  }
  for (const [name, value] of [
    ['id', input.id],
    ['correlationId', input.correlationId],
  ] as const) {
    if (value !== undefined && !EVENT_ID.test(value)) {
      return `${name} "${value}" is not 1 to 26 letters and digits`;
    }
  }
  return undefined;
}

/**
 * Append and chain. Appends are queued and written in batches under a lock
 * on the chain's head row (SELECT ... FOR UPDATE on PostgreSQL), so the
 * chain stays linear across concurrent writers and backend instances; each
 * caller's promise settles when its batch has committed.
 */
export class ChainAppender {
  private readonly queue: Pending[] = [];
  private draining?: Promise<void>;

  constructor(
    private readonly db: Knex,
    private readonly subjects: SubjectDirectory,
    private readonly logger?: LoggerService,
  ) {}

  /**
   * Appends one event; resolves once it is committed. An event whose
   * severity, outcome, actor type or ids are not of their kind is refused:
   * exports write these columns without escaping them.
   */
  append(input: AuditEventInput): Promise<{ id: string; seq: number }> {
    const problem = invalidInput(input);
    if (problem)
      return Promise.reject(
        new InputError(`Audit event not stored: ${problem}`),
      );
    return new Promise((resolve, reject) => {
      this.queue.push({ input, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      // an append may have arrived after the loop saw an empty queue
      if (this.queue.length) this.schedule();
    });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.queue.splice(0, BATCH);
      try {
        const written = await this.writeBatch(batch.map(p => p.input));
        batch.forEach((p, i) => p.resolve(written[i]));
      } catch (error) {
        this.logger?.error(
          `Audit store could not write ${batch.length} event(s)`,
          error as Error,
        );
        batch.forEach(p => p.reject(error as Error));
      }
    }
  }

  private async writeBatch(inputs: AuditEventInput[]) {
    return this.db.transaction(async tx => {
      const head = await tx('audit_chain_head')
        .where({ id: 1 })
        .forUpdate()
        .first<{ seq: number | string; hash: string }>();
      if (!head) throw new Error('audit_chain_head is missing its row');
      let seq = Number(head.seq);
      let prevHash = head.hash;

      const refs = new Set<string>();
      for (const input of inputs) {
        for (const actor of [input.actor, input.realActor]) {
          if (actor?.type === 'user' && actor.ref) refs.add(actor.ref);
        }
        if (input.target && USER_REF.test(input.target)) refs.add(input.target);
      }
      const metaRefs = new Set<string>();
      const prepared = inputs.map(input => {
        const meta = prepareMeta(input.meta);
        if (meta.meta) {
          for (const m of meta.meta.matchAll(USER_REF_IN_META)) {
            metaRefs.add(m[1]);
          }
        }
        return { input, meta };
      });
      metaRefs.forEach(r => refs.add(r));
      const subjects = await this.subjects.pseudonymsFor(tx, [...refs]);
      const pseudonym = (ref: string) =>
        `${SUBJECT_PREFIX}${subjects.get(ref)}`;

      const rows: EventRow[] = prepared.map(({ input, meta }) => {
        seq += 1;
        const id = input.id ?? ulid();
        let storedMeta = meta.meta;
        if (storedMeta && metaRefs.size) {
          storedMeta = storedMeta.replace(USER_REF_IN_META, (_m, ref: string) =>
            JSON.stringify(pseudonym(ref)),
          );
        }
        const actorOf = (a?: { type: string; ref?: string }) => {
          if (!a?.ref) return null;
          return a.type === 'user' ? pseudonym(a.ref) : a.ref;
        };
        const record: ChainRecord = {
          seq,
          id,
          ts: (input.timestamp ?? new Date()).toISOString(),
          actor: actorOf(input.actor),
          actorType: input.actor.type,
          realActor: actorOf(input.realActor),
          ip: input.ip ?? null,
          userAgent: input.userAgent ?? null,
          plugin: input.plugin,
          action: input.action,
          severity: input.severity,
          target:
            input.target && USER_REF.test(input.target)
              ? pseudonym(input.target)
              : input.target ?? null,
          outcome: input.outcome,
          error: input.error ?? null,
          method: input.method ?? null,
          path: input.path ?? null,
          meta: storedMeta,
          metaTruncated: meta.truncated,
          correlationId: input.correlationId ?? id,
        };
        const hash = chainHash(prevHash, record);
        const row = toRow(record, prevHash, hash);
        prevHash = hash;
        return row;
      });

      for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
        await tx('audit_events').insert(rows.slice(i, i + INSERT_CHUNK));
      }
      await tx('audit_chain_head')
        .where({ id: 1 })
        .update({ seq, hash: prevHash });
      return rows.map(r => ({ id: r.id, seq: Number(r.seq) }));
    });
  }
}

/** The stored row of a chained record. */
function toRow(record: ChainRecord, prevHash: string, hash: string): EventRow {
  return {
    seq: record.seq,
    id: record.id,
    ts: record.ts,
    actor: record.actor,
    actor_type: record.actorType,
    real_actor: record.realActor,
    ip: record.ip,
    user_agent: record.userAgent,
    plugin: record.plugin,
    action: record.action,
    severity: record.severity,
    target: record.target,
    outcome: record.outcome,
    error: record.error,
    method: record.method,
    path: record.path,
    meta: record.meta,
    meta_truncated: record.metaTruncated,
    correlation_id: record.correlationId,
    prev_hash: prevHash,
    hash,
  };
}
