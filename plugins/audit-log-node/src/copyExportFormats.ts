import { csvCell, EXPORT_COLUMNS, revealMeta, SubjectRefs } from './exportFormats';

// The records of exportFormats.ts csvLineOfRow / ndjsonLineOfRow, written
// byte by byte from the rows of a binary COPY of EXPORT_COLUMNS: the stored
// bytes are copied as they are wherever the format needs no escaping (almost
// every value), and only the rare value that does is decoded and written
// through the string functions. copyExportFormats.test.ts checks the bytes
// against csvLineOfRow / ndjsonLineOfRow for COPY streams cut anywhere, and
// DatabaseAuditStore.test.ts against csvRow / ndjsonRow through the store.

const FIELDS = EXPORT_COLUMNS.length;
const at = (column: (typeof EXPORT_COLUMNS)[number]) => EXPORT_COLUMNS.indexOf(column);
const SEQ = at('seq');
const ID = at('id');
const TS = at('ts');
const ACTOR = at('actor');
const ACTOR_TYPE = at('actor_type');
const REAL_ACTOR = at('real_actor');
const IP = at('ip');
const USER_AGENT = at('user_agent');
const PLUGIN = at('plugin');
const ACTION = at('action');
const SEVERITY = at('severity');
const TARGET = at('target');
const OUTCOME = at('outcome');
const ERROR = at('error');
const METHOD = at('method');
const PATH = at('path');
const META = at('meta');
const META_TRUNCATED = at('meta_truncated');
const CORRELATION_ID = at('correlation_id');
const PREV_HASH = at('prev_hash');
const HASH = at('hash');

const bytes = (text: string) => Buffer.from(text, 'utf8');
const SUBJECT = bytes('subject:');
const SUBJECT_IN_META = bytes('"subject:');
/** Horspool's shifts for `"subject:`, by the byte ending a window. */
const SUBJECT_IN_META_SHIFT = new Uint8Array(256).fill(SUBJECT_IN_META.length);
for (let j = 0; j < SUBJECT_IN_META.length - 1; j++) {
  SUBJECT_IN_META_SHIFT[SUBJECT_IN_META[j]] = SUBJECT_IN_META.length - 1 - j;
}
/** Export bytes are written into slabs of this size (see reserve). */
const SLAB_BYTES = 2 << 20;

/** A byte four times over, as one 32-bit word. */
const fourTimes = (b: number) => b * 0x01010101;
const QUOTES = fourTimes(0x22);
const BACKSLASHES = fourTimes(0x5c);
const COMMAS = fourTimes(0x2c);
const CRS = fourTimes(0x0d);
const LFS = fourTimes(0x0a);

/** Whether one of the four bytes of `word` is the byte `byteFourTimes` holds four times. */
function holds(word: number, byteFourTimes: number): boolean {
  const x = word ^ byteFourTimes;
  return ((x - 0x01010101) & ~x & 0x80808080) !== 0;
}

/**
 * Whether one of the four bytes of `word` is one JSON escapes: a control
 * character (below 0x20), a quote or a backslash.
 */
function holdsJsonEscape(word: number): boolean {
  const quote = word ^ QUOTES;
  const backslash = word ^ BACKSLASHES;
  const flags = ((word - 0x20202020) & ~word) | ((quote - 0x01010101) & ~quote) | ((backslash - 0x01010101) & ~backslash);
  return (flags & 0x80808080) !== 0;
}

/** The start of a binary COPY, as latin1. */
const COPY_SIGNATURE = 'PGCOPY\n\xff\r\n\0';

/** A person's ref, as JSON and as a CSV cell. */
interface Person {
  json: Buffer;
  csv: Buffer;
}

/**
 * Turns the chunks of `COPY (SELECT <EXPORT_COLUMNS> ...) TO STDOUT WITH
 * (FORMAT binary)` into export bytes, whatever the chunks' boundaries (the
 * part of a row a chunk cuts off waits for the next chunk). Counts the rows
 * and keeps the first and last sequence numbers.
 */
abstract class CopyRowWriter {
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
      const person = { json: bytes(JSON.stringify(ref)), csv: bytes(csvCell(ref)) };
      this.people.set(id, person);
      this.longestPerson = Math.max(this.longestPerson, person.json.length, person.csv.length);
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
      for (let take = Math.min(chunk.length, 4096); ; take = Math.min(chunk.length, 8 * take)) {
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
    if (this.joined.length < size) this.joined = Buffer.allocUnsafe(Math.max(size, 2 * this.joined.length));
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
      if (fields !== FIELDS) throw new Error(`COPY sent a row of ${fields} fields, expected ${FIELDS}`);
      const p = this.readFields(input, pos + 2);
      if (p === -1) break;
      // room for the row however it is escaped (the rare value decoded and
      // written as a string makes its own room)
      this.reserve(6 * (p - pos) + 4 * this.longestPerson + 512);
      const seqAt = this.start[SEQ];
      const seq = this.inputView.getUint32(seqAt) * 0x1_0000_0000 + this.inputView.getUint32(seqAt + 4);
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
    const slab = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (written + bytesNeeded)));
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
      this.out[--o] = 48 + rest - 10 * tenth;
      rest = tenth;
    } while (rest > 0);
  }

  /** Whether a field (not null, not empty) starts with `subject:`: a pseudonym. */
  protected isSubject(field: number): boolean {
    const n = this.length[field];
    if (n < SUBJECT.length) return false;
    const from = this.start[field];
    for (let i = 0; i < SUBJECT.length; i++) if (this.input[from + i] !== SUBJECT[i]) return false;
    return true;
  }

  /** The subject id of a pseudonym field. */
  protected subjectId(field: number): string {
    return this.decode(this.start[field] + SUBJECT.length, this.length[field] - SUBJECT.length);
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
      if (input[i] !== 0x3a) continue; // :
      let j = 0;
      while (j < last && input[i - last + j] === SUBJECT_IN_META[j]) j++;
      if (j === last) return true;
    }
    return false;
  }

  /** The meta text with the pseudonyms of people not erased replaced by their refs. */
  protected revealedMeta(): string {
    return revealMeta(this.decode(this.start[META], this.length[META]), this.subjects);
  }
}

const JSON_PARTS = {
  id: bytes('{"id":'),
  seq: bytes(',"seq":'),
  timestamp: bytes(',"timestamp":'),
  actor: bytes(',"actor":'),
  realActor: bytes(',"realActor":'),
  type: bytes('{"type":'),
  ref: bytes(',"ref":'),
  userRef: bytes('{"type":"user","ref":'),
  subjectId: bytes(',"subjectId":'),
  erasedSubjectId: bytes('{"type":"user","subjectId":'),
  erased: bytes(',"erased":true}'),
  user: bytes('"user"'),
  ip: bytes(',"ip":'),
  userAgent: bytes(',"userAgent":'),
  plugin: bytes(',"plugin":'),
  action: bytes(',"action":'),
  severity: bytes(',"severity":'),
  target: bytes(',"target":'),
  outcome: bytes(',"outcome":'),
  error: bytes(',"error":'),
  method: bytes(',"request":{"method":'),
  path: bytes(',"path":'),
  emptyString: bytes('""'),
  meta: bytes(',"meta":'),
  metaTruncated: bytes(',"metaTruncated":'),
  true: bytes('true'),
  false: bytes('false'),
  correlationId: bytes(',"correlationId":'),
  prevHash: bytes(',"prevHash":'),
  hash: bytes(',"hash":'),
};

/** The bytes a JSON string escapes: quote, backslash, control characters. */
const JSON_ESCAPES = new Uint8Array(256);
for (let b = 0; b < 0x20; b++) JSON_ESCAPES[b] = 1;
JSON_ESCAPES[0x22] = 1;
JSON_ESCAPES[0x5c] = 1;

/** NDJSON lines, as ndjsonLineOfRow writes them. */
export class CopyNdjsonWriter extends CopyRowWriter {
  protected writeRow(seq: number) {
    const P = JSON_PARTS;
    this.put(P.id);
    this.string(ID);
    this.put(P.seq);
    this.number(seq);
    this.member(P.timestamp, TS);
    this.put(P.actor);
    this.actor(ACTOR, ACTOR_TYPE);
    if (this.length[REAL_ACTOR] > 0) {
      this.put(P.realActor);
      this.actor(REAL_ACTOR, -1);
    }
    this.member(P.ip, IP);
    this.member(P.userAgent, USER_AGENT);
    this.member(P.plugin, PLUGIN);
    this.member(P.action, ACTION);
    this.member(P.severity, SEVERITY);
    this.target();
    this.member(P.outcome, OUTCOME);
    this.member(P.error, ERROR);
    if (this.length[METHOD] > 0) {
      this.put(P.method);
      this.string(METHOD);
      this.put(P.path);
      this.string(PATH);
      this.byte(0x7d); // }
    }
    if (this.length[META] > 0) {
      this.put(P.meta);
      if (this.metaNamesSubject()) this.text(this.revealedMeta());
      else this.copy(this.start[META], this.length[META]);
    }
    this.put(P.metaTruncated);
    this.put(this.input[this.start[META_TRUNCATED]] ? P.true : P.false);
    this.member(P.correlationId, CORRELATION_ID);
    this.member(P.prevHash, PREV_HASH);
    this.member(P.hash, HASH);
    this.byte(0x7d); // }
    this.byte(0x0a);
  }

  /** `,"key":<JSON string>`, nothing for null (member). */
  private member(key: Buffer, field: number) {
    if (this.length[field] < 0) return;
    this.put(key);
    this.string(field);
  }

  /** A field as a JSON string. */
  private string(field: number) {
    const n = this.length[field];
    if (n <= 0) this.put(JSON_PARTS.emptyString);
    else this.stringAt(this.start[field], n);
  }

  /**
   * Bytes of the input as a JSON string: copied between quotes, unless they
   * hold a character JSON escapes (then written as JSON.stringify writes it).
   */
  private stringAt(from: number, n: number) {
    const input = this.input;
    const out = this.out;
    const view = this.inputView;
    const outView = this.outView;
    let o = this.pos;
    out[o++] = 0x22;
    let i = from;
    const end = from + n;
    // four bytes at a time: is one of them below 0x20, a quote or a backslash
    for (; i + 4 <= end; i += 4, o += 4) {
      const v = view.getUint32(i, true);
      if (holdsJsonEscape(v)) {
        this.text(JSON.stringify(this.decode(from, n)));
        return;
      }
      outView.setUint32(o, v, true);
    }
    for (; i < end; i++) {
      const b = input[i];
      if (b < 0x20 || b === 0x22 || b === 0x5c) {
        this.text(JSON.stringify(this.decode(from, n)));
        return;
      }
      out[o++] = b;
    }
    out[o++] = 0x22;
    this.pos = o;
  }

  /** actorJson: `typeField` -1 for the type "user". */
  private actor(field: number, typeField: number) {
    const P = JSON_PARTS;
    if (!this.isSubject(field)) {
      this.put(P.type);
      if (typeField < 0) this.put(P.user);
      else this.string(typeField);
      if (this.length[field] > 0) {
        this.put(P.ref);
        this.string(field);
      }
      this.byte(0x7d);
      return;
    }
    const person = this.people.get(this.subjectId(field));
    if (person) {
      this.put(P.userRef);
      this.put(person.json);
      this.put(P.subjectId);
      this.subjectIdString(field);
      this.byte(0x7d);
    } else {
      this.put(P.erasedSubjectId);
      this.subjectIdString(field);
      this.put(P.erased);
    }
  }

  private subjectIdString(field: number) {
    this.stringAt(this.start[field] + SUBJECT.length, this.length[field] - SUBJECT.length);
  }


  /** targetText: a known person's ref for a pseudonym, else the field. */
  private target() {
    if (this.length[TARGET] < 0) return;
    this.put(JSON_PARTS.target);
    const person = this.isSubject(TARGET) ? this.people.get(this.subjectId(TARGET)) : undefined;
    if (person) this.put(person.json);
    else this.string(TARGET);
  }
}

const CSV_PARTS = {
  user: bytes('user'),
  true: bytes('true'),
  false: bytes('false'),
};

/** CSV records, as csvLineOfRow writes them. */
export class CopyCsvWriter extends CopyRowWriter {
  protected writeRow(seq: number) {
    this.number(seq);
    this.comma(ID);
    this.comma(TS);
    this.byte(0x2c);
    this.actorCell(ACTOR);
    this.byte(0x2c);
    if (this.isSubject(ACTOR)) this.put(CSV_PARTS.user);
    else this.cell(ACTOR_TYPE);
    this.byte(0x2c);
    this.actorCell(REAL_ACTOR);
    this.comma(IP);
    this.comma(USER_AGENT);
    this.comma(PLUGIN);
    this.comma(ACTION);
    this.comma(SEVERITY);
    this.byte(0x2c);
    const person = this.isSubject(TARGET) ? this.people.get(this.subjectId(TARGET)) : undefined;
    if (person) this.put(person.csv);
    else this.cell(TARGET);
    this.comma(OUTCOME);
    this.comma(ERROR);
    this.comma(METHOD);
    this.byte(0x2c);
    if (this.length[METHOD] > 0) this.cell(PATH);
    this.byte(0x2c);
    if (this.length[META] > 0) {
      if (this.metaNamesSubject()) this.text(csvCell(this.revealedMeta()));
      else this.cell(META);
    }
    this.byte(0x2c);
    this.put(this.input[this.start[META_TRUNCATED]] ? CSV_PARTS.true : CSV_PARTS.false);
    this.comma(CORRELATION_ID);
    this.comma(PREV_HASH);
    this.comma(HASH);
    this.byte(0x0a);
  }

  private comma(field: number) {
    this.byte(0x2c);
    this.cell(field);
  }

  /**
   * A field as csvCell writes it: nothing for null or empty; a quote before
   * a cell a spreadsheet would run as a formula (=, +, -, @, tab, CR); in
   * quotes, with quotes doubled, when it holds a quote, comma, CR or LF.
   */
  private cell(field: number) {
    const n = this.length[field];
    if (n <= 0) return;
    const from = this.start[field];
    const input = this.input;
    const out = this.out;
    const view = this.inputView;
    const outView = this.outView;
    const first = input[from];
    const formula = first === 61 || first === 43 || first === 45 || first === 64 || first === 9 || first === 13;
    let o = this.pos;
    if (formula) out[o++] = 0x27; // '
    let i = from;
    const end = from + n;
    // four bytes at a time: is one of them a quote, a comma, a CR or a LF
    for (; i + 4 <= end; i += 4, o += 4) {
      const v = view.getUint32(i, true);
      if (holds(v, QUOTES) || holds(v, COMMAS) || holds(v, CRS) || holds(v, LFS)) {
        this.quotedCell(from, n, formula);
        return;
      }
      outView.setUint32(o, v, true);
    }
    for (; i < end; i++) {
      const b = input[i];
      if (b === 0x22 || b === 0x2c || b === 0x0d || b === 0x0a) {
        this.quotedCell(from, n, formula);
        return;
      }
      out[o++] = b;
    }
    this.pos = o;
  }

  private quotedCell(from: number, n: number, formula: boolean) {
    const input = this.input;
    const out = this.out;
    const view = this.inputView;
    const outView = this.outView;
    let o = this.pos;
    out[o++] = 0x22;
    if (formula) out[o++] = 0x27;
    let i = from;
    const end = from + n;
    while (i < end) {
      // four bytes at once where none is a quote (a quote is written twice)
      if (i + 4 <= end) {
        const v = view.getUint32(i, true);
        if (!holds(v, QUOTES)) {
          outView.setUint32(o, v, true);
          i += 4;
          o += 4;
          continue;
        }
      }
      const b = input[i++];
      out[o++] = b;
      if (b === 0x22) out[o++] = 0x22;
    }
    out[o++] = 0x22;
    this.pos = o;
  }

  /** actorCell: a known person's ref for a pseudonym, `erased:<id>` for anyone else's. */
  private actorCell(field: number) {
    if (!this.isSubject(field)) {
      this.cell(field);
      return;
    }
    const id = this.subjectId(field);
    const person = this.people.get(id);
    if (person) this.put(person.csv);
    else this.text(csvCell(`erased:${id}`));
  }

}
