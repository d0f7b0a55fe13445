import { hash } from 'node:crypto';

/** The previous hash of the first event. */
export const GENESIS_HASH = '0'.repeat(64);

/** The stored columns of one event that the hash covers, in stored form. */
export interface ChainRecord {
  seq: number;
  id: string;
  ts: string;
  actor: string | null;
  actorType: string;
  realActor: string | null;
  ip: string | null;
  userAgent: string | null;
  plugin: string;
  action: string;
  severity: string;
  target: string | null;
  outcome: string;
  error: string | null;
  method: string | null;
  path: string | null;
  meta: string | null;
  metaTruncated: boolean;
  correlationId: string;
}

/** One member as canonicalJson writes it: undefined left out, everything else as JSON. */
function member(key: string, value: unknown): string {
  if (value === undefined) return '';
  if (value === null) return `,${key}null`;
  return `,${key}${JSON.stringify(value)}`;
}

/** A string or null column as JSON. */
function json(value: string | null): string {
  return value === null ? 'null' : JSON.stringify(value);
}

/** The general case: some member is undefined, so it is left out. */
function withUndefined(record: ChainRecord, prevHash: string): string {
  const text =
    member('"action":', record.action) +
    member('"actor":', record.actor) +
    member('"actorType":', record.actorType) +
    member('"correlationId":', record.correlationId) +
    member('"error":', record.error) +
    member('"id":', record.id) +
    member('"ip":', record.ip) +
    member('"meta":', record.meta) +
    member('"metaTruncated":', record.metaTruncated) +
    member('"method":', record.method) +
    member('"outcome":', record.outcome) +
    member('"path":', record.path) +
    member('"plugin":', record.plugin) +
    member('"prevHash":', prevHash) +
    member('"realActor":', record.realActor) +
    member('"seq":', record.seq) +
    member('"severity":', record.severity) +
    member('"target":', record.target) +
    member('"ts":', record.ts) +
    member('"userAgent":', record.userAgent);
  return text ? `{${text.slice(1)}}` : '{}';
}

/**
 * `canonicalJson({ ...record, prevHash })` for the fixed shape of a chain
 * record, written out in its sorted key order: the same text, byte for byte
 * (chain.test.ts proves it), without the general function's per-object
 * entries, sort and recursion, which made verifying a large log slow. Meta
 * is stored JSON text and is hashed as a string.
 */
export function chainRecordJson(r: ChainRecord, prevHash: string): string {
  if (
    r.action === undefined ||
    r.actor === undefined ||
    r.actorType === undefined ||
    r.correlationId === undefined ||
    r.error === undefined ||
    r.id === undefined ||
    r.ip === undefined ||
    r.meta === undefined ||
    r.metaTruncated === undefined ||
    r.method === undefined ||
    r.outcome === undefined ||
    r.path === undefined ||
    r.plugin === undefined ||
    prevHash === undefined ||
    r.realActor === undefined ||
    r.seq === undefined ||
    r.severity === undefined ||
    r.target === undefined ||
    r.ts === undefined ||
    r.userAgent === undefined ||
    typeof r.seq !== 'number' ||
    typeof r.metaTruncated !== 'boolean'
  ) {
    return withUndefined(r, prevHash);
  }
  return (
    `{"action":${json(r.action)},"actor":${json(r.actor)},"actorType":${json(
      r.actorType,
    )}` +
    `,"correlationId":${json(r.correlationId)},"error":${json(
      r.error,
    )},"id":${json(r.id)}` +
    `,"ip":${json(r.ip)},"meta":${json(r.meta)},"metaTruncated":${
      r.metaTruncated
    }` +
    `,"method":${json(r.method)},"outcome":${json(r.outcome)},"path":${json(
      r.path,
    )}` +
    `,"plugin":${json(r.plugin)},"prevHash":${json(
      prevHash,
    )},"realActor":${json(r.realActor)}` +
    `,"seq":${JSON.stringify(r.seq)},"severity":${json(
      r.severity,
    )},"target":${json(r.target)}` +
    `,"ts":${json(r.ts)},"userAgent":${json(r.userAgent)}}`
  );
}

/**
 * SHA-256 over the previous hash and the canonical JSON of the event: change
 * any stored column of any event and every later hash stops matching.
 */
export function chainHash(prevHash: string, record: ChainRecord): string {
  // the one-shot hash: no Hash object per event
  return hash(
    'sha256',
    `${prevHash}\n${chainRecordJson(record, prevHash)}`,
    'hex',
  );
}
