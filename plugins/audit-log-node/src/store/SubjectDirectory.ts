import { InputError, NotFoundError } from '@backstage/errors';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { SubjectRefs } from '../exportFormats';
import { EventRow, refHash, SUBJECT_PREFIX, USER_REF } from './rows';

const SUBJECT_CACHE_MS = 60_000;
/** Pseudonyms one export remembers before it starts over. */
const SUBJECT_LOOKUP_MAX = 50_000;
/** Subject ids looked up in one statement. */
const LOOKUP_CHUNK = 500;
/** A pseudonym quoted in meta's JSON. */
const SUBJECT_IN_META = /"subject:([0-9a-f-]{36})"/g;

/** The columns of a stored row that may name people. */
export type PeopleColumns = Pick<
  EventRow,
  'actor' | 'real_actor' | 'target' | 'meta'
>;

/**
 * Subjects and erasure: the pseudonyms (`subject:<uuid>`) the store writes
 * instead of people's refs (table audit_subjects), the people behind them,
 * and the erasure that makes a person unrecoverable.
 */
export class SubjectDirectory {
  private readonly cache = new Map<string, { id: string; at: number }>();

  constructor(private readonly db: Knex) {}

  /** The pseudonyms of these people, created on first sight (inside the append's transaction). */
  async pseudonymsFor(tx: Knex, refs: string[]): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    const missing: string[] = [];
    const now = Date.now();
    for (const ref of refs) {
      const cached = this.cache.get(ref.toLocaleLowerCase('en-US'));
      if (cached && now - cached.at < SUBJECT_CACHE_MS)
        result.set(ref, cached.id);
      else missing.push(ref);
    }
    if (!missing.length) return result;
    const hashes = new Map(missing.map(ref => [refHash(ref), ref]));
    const existing = await tx('audit_subjects')
      .whereIn('ref_hash', [...hashes.keys()])
      .select('subject_id', 'ref_hash');
    for (const row of existing) {
      hashes.delete(row.ref_hash);
      const ref = missing.find(r => refHash(r) === row.ref_hash)!;
      result.set(ref, row.subject_id);
    }
    const created = [...hashes.entries()].map(([hash, ref]) => ({
      subject_id: randomUUID(),
      ref_hash: hash,
      entity_ref: ref.toLocaleLowerCase('en-US'),
      created_at: new Date().toISOString(),
    }));
    if (created.length) {
      await tx('audit_subjects').insert(created);
      created.forEach(c => result.set(hashes.get(c.ref_hash)!, c.subject_id));
    }
    for (const [ref, id] of result) {
      this.cache.set(ref.toLocaleLowerCase('en-US'), { id, at: now });
    }
    return result;
  }

  async subjectIdOf(ref: string): Promise<string | undefined> {
    const row = await this.db('audit_subjects')
      .where({ ref_hash: refHash(ref) })
      .first();
    return row?.subject_id;
  }

  /** Turns a person's ref into the stored pseudonym, or keeps a service ref. */
  async storedRef(ref: string): Promise<string> {
    if (!USER_REF.test(ref)) return ref;
    const subject = await this.subjectIdOf(ref);
    // a person the log has never seen: match nothing
    return subject ? `${SUBJECT_PREFIX}${subject}` : `${SUBJECT_PREFIX}unknown`;
  }

  /**
   * Adds to `subjects` the person (or null, once erased) behind every
   * pseudonym in these rows' actor, real actor, target and meta that it
   * does not hold yet.
   */
  async resolve(rows: PeopleColumns[], subjects: SubjectRefs): Promise<void> {
    const ids = new Set<string>();
    const collect = (value: string | null) => {
      if (value?.startsWith(SUBJECT_PREFIX)) {
        const id = value.slice(SUBJECT_PREFIX.length);
        if (!subjects.has(id)) ids.add(id);
      }
    };
    for (const row of rows) {
      collect(row.actor);
      collect(row.real_actor);
      collect(row.target);
      if (row.meta?.includes('"subject:')) {
        for (const m of row.meta.matchAll(SUBJECT_IN_META)) {
          if (!subjects.has(m[1])) ids.add(m[1]);
        }
      }
    }
    if (!ids.size) return;
    // what one export remembers stays bounded whatever the number of people:
    // past the limit it starts over with this page's people
    if (subjects.size && subjects.size + ids.size > SUBJECT_LOOKUP_MAX) {
      subjects.clear();
      await this.resolve(rows, subjects);
      return;
    }
    const idList = [...ids];
    for (let i = 0; i < idList.length; i += LOOKUP_CHUNK) {
      const chunk = idList.slice(i, i + LOOKUP_CHUNK);
      const found = await this.db('audit_subjects')
        .whereIn('subject_id', chunk)
        .select('subject_id', 'entity_ref');
      chunk.forEach(id => subjects.set(id, null));
      found.forEach(s => subjects.set(s.subject_id, s.entity_ref ?? null));
    }
  }

  /**
   * Makes a person's identity unrecoverable: their pseudonym's mapping is
   * deleted, the events keep the pseudonym, so the chain still verifies.
   */
  async erase(ref: string): Promise<{ subjectId: string; erasedAt: string }> {
    if (!USER_REF.test(ref))
      throw new InputError(`${ref} is not a user entity ref`);
    const subject = await this.subjectIdOf(ref);
    if (!subject)
      throw new NotFoundError(`The audit log holds nothing about ${ref}`);
    const erasedAt = new Date().toISOString();
    await this.db('audit_subjects')
      .where({ subject_id: subject })
      .update({ entity_ref: null, ref_hash: null, erased_at: erasedAt });
    this.cache.delete(ref.toLocaleLowerCase('en-US'));
    return { subjectId: subject, erasedAt };
  }
}
