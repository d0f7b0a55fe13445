import { createHash } from 'node:crypto';
import { canonicalJson } from '@internal/backstage-plugin-audit-log-common';

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

/**
 * SHA-256 over the previous hash and the canonical JSON of the event: change
 * any stored column of any event and every later hash stops matching.
 */
export function chainHash(prevHash: string, record: ChainRecord): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson({ ...record, prevHash }))
    .digest('hex');
}
