import { csvCell, startsLikeFormula } from '../exportFormats';
import {
  ACTION,
  ACTOR,
  ACTOR_TYPE,
  APOSTROPHE,
  AT_SIGN,
  bytes,
  COMMA,
  COMMAS,
  CORRELATION_ID,
  CR,
  CRS,
  DOUBLE_QUOTE,
  EQUALS,
  ERROR,
  FIRST_NON_ASCII,
  FORM_FEED,
  HASH,
  holds,
  ID,
  IP,
  LF,
  LFS,
  META,
  META_TRUNCATED,
  METHOD,
  MINUS,
  OUTCOME,
  PATH,
  PLUGIN,
  PLUS,
  PREV_HASH,
  QUOTES,
  REAL_ACTOR,
  SEVERITY,
  SPACE,
  TAB,
  TARGET,
  TS,
  USER_AGENT,
  VERTICAL_TAB,
} from './copyBytes';
import { CopyRowWriter } from './CopyRowWriter';

/** First bytes of a cell a spreadsheet would run (= + - @ tab CR LF), as a lookup table. */
const FORMULA_FIRST_BYTES = new Uint8Array(256);
for (const b of [EQUALS, PLUS, MINUS, AT_SIGN, TAB, CR, LF]) {
  FORMULA_FIRST_BYTES[b] = 1;
}

const CSV_PARTS = {
  user: bytes('user'),
  true: bytes('true'),
  false: bytes('false'),
};

/** CSV records, as csvRow writes them. */
export class CopyCsvWriter extends CopyRowWriter {
  protected writeRow(seq: number) {
    this.number(seq);
    this.comma(ID);
    this.comma(TS);
    this.byte(COMMA);
    this.actorCell(ACTOR);
    this.byte(COMMA);
    if (this.isSubject(ACTOR)) this.put(CSV_PARTS.user);
    else this.cell(ACTOR_TYPE);
    this.byte(COMMA);
    this.actorCell(REAL_ACTOR);
    this.comma(IP);
    this.comma(USER_AGENT);
    this.comma(PLUGIN);
    this.comma(ACTION);
    this.comma(SEVERITY);
    this.byte(COMMA);
    const person = this.isSubject(TARGET)
      ? this.people.get(this.subjectId(TARGET))
      : undefined;
    if (person) this.put(person.csv);
    else this.cell(TARGET);
    this.comma(OUTCOME);
    this.comma(ERROR);
    this.comma(METHOD);
    this.byte(COMMA);
    if (this.length[METHOD] > 0) this.cell(PATH);
    this.byte(COMMA);
    if (this.length[META] > 0) {
      if (this.metaNamesSubject()) this.text(csvCell(this.revealedMeta()));
      else this.cell(META);
    }
    this.byte(COMMA);
    this.put(
      this.input[this.start[META_TRUNCATED]] ? CSV_PARTS.true : CSV_PARTS.false,
    );
    this.comma(CORRELATION_ID);
    this.comma(PREV_HASH);
    this.comma(HASH);
    this.byte(LF);
  }

  private comma(field: number) {
    this.byte(COMMA);
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
    const formula = this.startsLikeFormula(from, n);
    let o = this.pos;
    if (formula) out[o++] = APOSTROPHE;
    let i = from;
    const end = from + n;
    // four bytes at a time: is one of them a quote, a comma, a CR or a LF
    for (; i + 4 <= end; i += 4, o += 4) {
      const v = view.getUint32(i, true);
      if (
        holds(v, QUOTES) ||
        holds(v, COMMAS) ||
        holds(v, CRS) ||
        holds(v, LFS)
      ) {
        this.quotedCell(from, n, formula);
        return;
      }
      outView.setUint32(o, v, true);
    }
    for (; i < end; i++) {
      const b = input[i];
      if (b === DOUBLE_QUOTE || b === COMMA || b === CR || b === LF) {
        this.quotedCell(from, n, formula);
        return;
      }
      out[o++] = b;
    }
    this.pos = o;
  }

  /**
   * startsLikeFormula of the cell's text: decided by its first byte, unless
   * that is white space or a non-ASCII character, which may hide a sign
   * behind it (' =1+1', '＝1+1'); those few cells are decoded and checked.
   */
  private startsLikeFormula(from: number, n: number): boolean {
    const first = this.input[from];
    if (FORMULA_FIRST_BYTES[first]) return true;
    if (
      first !== SPACE &&
      first !== VERTICAL_TAB &&
      first !== FORM_FEED &&
      first < FIRST_NON_ASCII
    ) {
      return false;
    }
    return startsLikeFormula(this.input.toString('utf8', from, from + n));
  }

  private quotedCell(from: number, n: number, formula: boolean) {
    const input = this.input;
    const out = this.out;
    const view = this.inputView;
    const outView = this.outView;
    let o = this.pos;
    out[o++] = DOUBLE_QUOTE;
    if (formula) out[o++] = APOSTROPHE;
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
      if (b === DOUBLE_QUOTE) out[o++] = DOUBLE_QUOTE;
    }
    out[o++] = DOUBLE_QUOTE;
    this.pos = o;
  }

  /** An actor's cell: a known person's ref for a pseudonym, `erased:<id>` for anyone else's. */
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
