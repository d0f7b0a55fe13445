import {
  csvCell,
  revealMeta,
  SUBJECT_PREFIX,
  SubjectRefs,
} from '../exportFormats';
import { bytes, COLON, DIGIT_ZERO, FIELDS, META, SEQ } from './copyBytes';

// The records exportFormats.ts specifies (csvRow / ndjsonRow of the events
// the store reads), written byte by byte from the rows of a binary COPY of
// EXPORT_COLUMNS: the fast implementation, for exports on PostgreSQL
// (docs/adr/0007). The stored bytes are copied as they are wherever the
// format needs no escaping (almost every value), and only the rare value
// that does is decoded and written through the string functions.
// copyWriters.test.ts checks the bytes against csvRow / ndjsonRow for
// COPY streams cut anywhere, and DatabaseAuditStore.test.ts through the store.

export const SUBJECT = bytes(SUBJECT_PREFIX);
const SUBJECT_IN_META = bytes('"subject:');
/** Horspool's shifts for `"subject:`, by the byte ending a window. */
const SUBJECT_IN_META_SHIFT = new Uint8Array(256).fill(SUBJECT_IN_META.length);
for (let j = 0; j < SUBJECT_IN_META.length - 1; j++) {
  SUBJECT_IN_META_SHIFT[SUBJECT_IN_META[j]] = SUBJECT_IN_META.length - 1 - j;
}
/** Export bytes are written into slabs of this size (see reserve). */
const SLAB_BYTES = 2 << 20;

/** The start of a binary COPY, as latin1. */
const COPY_SIGNATURE = 'PGCOPY\n\xff\r\n\0';

/** A person's ref, as JSON and as a CSV cell. */
export interface Person {
  json: Buffer;
  csv: Buffer;
}

/**
 * Turns the chunks of `COPY (SELECT <EXPORT_COLUMNS> ...) TO STDOUT WITH
 * (FORMAT binary)` into export bytes, whatever the chunks' boundaries (the
 * part of a row a chunk cuts off waits for the next chunk). Counts the rows
 * and keeps the first and last sequence numbers.
 */
export abstract class CopyRowWriter {
  rows = 0;
  firstSeq?: number;
  lastSeq?: number;
  /** The COPY's trailer came: every row is in. */
  finished = false;

  protected input: Buffer = Buffer.alloc(0);
  protected inputView: DataView = new DataView(new ArrayBuffer(0));
  /** Where each field of the current row starts in `input`, and its length (-1: null). */
  protected readonly start = new Int32Array(FIELDS);
  protected readonly length = new Int32Array(FIELDS);
  protected out: Buffer = Buffer.alloc(0);
  protected outView: DataView = new DataView(new ArrayBuffer(0));
  /** Where this chunk's output starts in `out`, and where the next byte goes. */
  private outStart = 0;
  protected pos = 0;
  protected readonly people = new Map<string, Person>();
  private readonly subjects: SubjectRefs = new Map();
  private longestPerson = 0;
  private pending: Buffer = Buffer.alloc(0);
  private joined: Buffer = Buffer.allocUnsafe(16 * 1024);
  private headerRead = false;

  /** `people`: subject id to entity ref, for the people not erased. */
  constructor(people: Iterable<[string, string]>) {
    for (const [id, ref] of people) {
      this.subjects.set(id, ref);
      const person = {
        json: bytes(JSON.stringify(ref)),
        csv: bytes(csvCell(ref)),
      };
      this.people.set(id, person);
      this.longestPerson = Math.max(
        this.longestPerson,
        person.json.length,
        person.csv.length,
      );
    }
  }

  /** The export bytes of the rows this chunk completes. */
  push(chunk: Buffer): Buffer {
    this.outStart = this.pos;
    let from = 0;
    if (this.pending.length) {
      // the row the last chunk cut off, joined with as much of this chunk
      // as it needs (not all of it: a join copies)
      const pending = this.pending;
      for (
        let take = Math.min(chunk.length, 4096);
        ;
        take = Math.min(chunk.length, 8 * take)
      ) {
        const joint = this.join(pending, chunk, take);
        const stop = this.writeRows(joint, 0);
        if (stop > pending.length) {
          from = stop - pending.length;
          break;
        }
        if (take === chunk.length) {
          this.pending = Buffer.from(joint);
          return this.out.subarray(this.outStart, this.pos);
        }
      }
    }
    const stop = this.finished ? chunk.length : this.writeRows(chunk, from);
    // a copy: a slice would keep the whole chunk alive
    this.pending = Buffer.from(chunk.subarray(stop));
    return this.out.subarray(this.outStart, this.pos);
  }

  /**
   * `pending` followed by the first `take` bytes of `chunk`, in a buffer
   * kept for joining (a new one for every chunk would cost more than the
   * copying).
   */
  private join(pending: Buffer, chunk: Buffer, take: number): Buffer {
    const size = pending.length + take;
    if (this.joined.length < size)
      this.joined = Buffer.allocUnsafe(Math.max(size, 2 * this.joined.length));
    pending.copy(this.joined, 0);
    chunk.copy(this.joined, pending.length, 0, take);
    return this.joined.subarray(0, size);
  }

  /**
   * Writes the complete rows of `input` from `pos` on (after the COPY's
   * header, the first time); returns where the first incomplete one starts.
   */
  private writeRows(input: Buffer, from: number): number {
    this.input = input;
    this.inputView = new DataView(input.buffer, input.byteOffset, input.length);
    let pos = from;
    if (!this.headerRead) {
      // PGCOPY\n\377\r\n\0, flags, header extension length, extension
      if (input.length - pos < 19) return pos;
      if (input.toString('latin1', pos, pos + 11) !== COPY_SIGNATURE) {
        throw new Error('The database did not answer COPY in binary format');
      }
      const extension = input.readUInt32BE(pos + 15);
      if (input.length - pos < 19 + extension) return pos;
      pos += 19 + extension;
      this.headerRead = true;
    }
    while (!this.finished && input.length - pos >= 2) {
      const fields = this.inputView.getInt16(pos);
      if (fields === -1) {
        this.finished = true;
        pos += 2;
        break;
      }
      if (fields !== FIELDS)
        throw new Error(
          `COPY sent a row of ${fields} fields, expected ${FIELDS}`,
        );
      const p = this.readFields(input, pos + 2);
      if (p === -1) break;
      // room for the row however it is escaped (the rare value decoded and
      // written as a string makes its own room)
      this.reserve(6 * (p - pos) + 4 * this.longestPerson + 512);
      const seqAt = this.start[SEQ];
      const seq =
        this.inputView.getUint32(seqAt) * 0x1_0000_0000 +
        this.inputView.getUint32(seqAt + 4);
      this.writeRow(seq);
      this.firstSeq ??= seq;
      this.lastSeq = seq;
      this.rows += 1;
      pos = p;
    }
    return pos;
  }

  /**
   * Where each field of the row whose fields start at `from` is (into
   * `start` and `length`); returns where the row ends, -1 when the input
   * ends first.
   */
  private readFields(input: Buffer, from: number): number {
    const { start, length, inputView } = this;
    let p = from;
    for (let i = 0; i < FIELDS; i++) {
      if (input.length - p < 4) return -1;
      const n = inputView.getInt32(p);
      p += 4;
      start[i] = p;
      length[i] = n;
      if (n > 0) {
        if (input.length - p < n) return -1;
        p += n;
      }
    }
    return p;
  }

  protected abstract writeRow(seq: number): void;

  /**
   * Room for this many more bytes of output. The output of every chunk is
   * a part of a slab of a few megabytes (one allocation serves many
   * chunks); a part that outgrows its slab moves to a new one.
   */
  private reserve(bytesNeeded: number) {
    if (this.pos + bytesNeeded <= this.out.length) return;
    const written = this.pos - this.outStart;
    const slab = Buffer.allocUnsafe(
      Math.max(SLAB_BYTES, 2 * (written + bytesNeeded)),
    );
    this.out.copy(slab, 0, this.outStart, this.pos);
    this.out = slab;
    this.outView = new DataView(slab.buffer, slab.byteOffset, slab.length);
    this.outStart = 0;
    this.pos = written;
  }

  /** Bytes ready to go: a constant, a person's ref. */
  protected put(ready: Buffer) {
    this.copyFrom(ready, 0, ready.length);
  }

  protected byte(b: number) {
    this.out[this.pos++] = b;
  }

  /** Bytes of the input, as they are. */
  protected copy(from: number, count: number) {
    this.copyFrom(this.input, from, count);
  }

  private copyFrom(source: Buffer, from: number, count: number) {
    if (count > 48) {
      // a native copy costs a call; a short run is cheaper byte by byte
      source.copy(this.out, this.pos, from, from + count);
      this.pos += count;
      return;
    }
    const out = this.out;
    let o = this.pos;
    for (let i = from, end = from + count; i < end; i++) out[o++] = source[i];
    this.pos = o;
  }

  protected text(s: string) {
    this.reserve(3 * s.length);
    this.pos += this.out.write(s, this.pos, 'utf8');
  }

  protected decode(from: number, count: number): string {
    return this.input.toString('utf8', from, from + count);
  }

  protected number(value: number) {
    if (value > 0x7fffffff) {
      this.put(Buffer.from(String(value)));
      return;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits += 1;
    let o = this.pos + digits;
    this.pos = o;
    let rest = value;
    do {
      const tenth = (rest / 10) | 0;
      this.out[--o] = DIGIT_ZERO + rest - 10 * tenth;
      rest = tenth;
    } while (rest > 0);
  }

  /** Whether a field (not null, not empty) starts with `subject:`: a pseudonym. */
  protected isSubject(field: number): boolean {
    const n = this.length[field];
    if (n < SUBJECT.length) return false;
    const from = this.start[field];
    for (let i = 0; i < SUBJECT.length; i++)
      if (this.input[from + i] !== SUBJECT[i]) return false;
    return true;
  }

  /** The subject id of a pseudonym field. */
  protected subjectId(field: number): string {
    return this.decode(
      this.start[field] + SUBJECT.length,
      this.length[field] - SUBJECT.length,
    );
  }

  /**
   * Whether the meta field holds `"subject:` (a pseudonym), searched for
   * Horspool's way: the window's last byte says how far the next window
   * can start, so most bytes are never read.
   */
  protected metaNamesSubject(): boolean {
    const input = this.input;
    const from = this.start[META];
    const end = from + this.length[META];
    const last = SUBJECT_IN_META.length - 1;
    for (let i = from + last; i < end; i += SUBJECT_IN_META_SHIFT[input[i]]) {
      if (input[i] !== COLON) continue; // the last byte of `"subject:`
      let j = 0;
      while (j < last && input[i - last + j] === SUBJECT_IN_META[j]) j++;
      if (j === last) return true;
    }
    return false;
  }

  /** The meta text with the pseudonyms of people not erased replaced by their refs. */
  protected revealedMeta(): string {
    return revealMeta(
      this.decode(this.start[META], this.length[META]),
      this.subjects,
    );
  }
}
