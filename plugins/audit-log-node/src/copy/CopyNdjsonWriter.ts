import {
  ACTION,
  ACTOR,
  ACTOR_TYPE,
  BACKSLASH,
  bytes,
  CLOSING_BRACE,
  CORRELATION_ID,
  DOUBLE_QUOTE,
  ERROR,
  FIRST_PRINTABLE,
  HASH,
  holdsJsonEscape,
  ID,
  IP,
  LF,
  META,
  META_TRUNCATED,
  METHOD,
  OUTCOME,
  PATH,
  PLUGIN,
  PREV_HASH,
  REAL_ACTOR,
  SEVERITY,
  TARGET,
  TS,
  USER_AGENT,
} from './copyBytes';
import { CopyRowWriter, SUBJECT } from './CopyRowWriter';

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

/** NDJSON lines, as ndjsonRow writes them. */
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
      this.byte(CLOSING_BRACE);
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
    this.byte(CLOSING_BRACE);
    this.byte(LF);
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
    out[o++] = DOUBLE_QUOTE;
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
      if (b < FIRST_PRINTABLE || b === DOUBLE_QUOTE || b === BACKSLASH) {
        this.text(JSON.stringify(this.decode(from, n)));
        return;
      }
      out[o++] = b;
    }
    out[o++] = DOUBLE_QUOTE;
    this.pos = o;
  }

  /** An actor as ndjsonRow writes it: `typeField` -1 for the type "user". */
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
      this.byte(CLOSING_BRACE);
      return;
    }
    const person = this.people.get(this.subjectId(field));
    if (person) {
      this.put(P.userRef);
      this.put(person.json);
      this.put(P.subjectId);
      this.subjectIdString(field);
      this.byte(CLOSING_BRACE);
    } else {
      this.put(P.erasedSubjectId);
      this.subjectIdString(field);
      this.put(P.erased);
    }
  }

  private subjectIdString(field: number) {
    this.stringAt(
      this.start[field] + SUBJECT.length,
      this.length[field] - SUBJECT.length,
    );
  }

  /** The target: a known person's ref for a pseudonym, else the field. */
  private target() {
    if (this.length[TARGET] < 0) return;
    this.put(JSON_PARTS.target);
    const person = this.isSubject(TARGET)
      ? this.people.get(this.subjectId(TARGET))
      : undefined;
    if (person) this.put(person.json);
    else this.string(TARGET);
  }
}
