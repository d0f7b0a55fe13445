import { EXPORT_COLUMNS } from '../exportFormats';

// What the COPY writers share: where each column is in a COPY row, the bytes
// the formats are made of, and the checks of four bytes at once.

export const FIELDS = EXPORT_COLUMNS.length;
const at = (column: (typeof EXPORT_COLUMNS)[number]) =>
  EXPORT_COLUMNS.indexOf(column);
export const SEQ = at('seq');
export const ID = at('id');
export const TS = at('ts');
export const ACTOR = at('actor');
export const ACTOR_TYPE = at('actor_type');
export const REAL_ACTOR = at('real_actor');
export const IP = at('ip');
export const USER_AGENT = at('user_agent');
export const PLUGIN = at('plugin');
export const ACTION = at('action');
export const SEVERITY = at('severity');
export const TARGET = at('target');
export const OUTCOME = at('outcome');
export const ERROR = at('error');
export const METHOD = at('method');
export const PATH = at('path');
export const META = at('meta');
export const META_TRUNCATED = at('meta_truncated');
export const CORRELATION_ID = at('correlation_id');
export const PREV_HASH = at('prev_hash');
export const HASH = at('hash');

export const bytes = (text: string) => Buffer.from(text, 'utf8');

/** The bytes the formats are made of (ASCII). */
export const TAB = 0x09;
export const LF = 0x0a;
export const VERTICAL_TAB = 0x0b;
export const FORM_FEED = 0x0c;
export const CR = 0x0d;
export const SPACE = 0x20;
export const DOUBLE_QUOTE = 0x22;
export const APOSTROPHE = 0x27;
export const PLUS = 0x2b;
export const COMMA = 0x2c;
export const MINUS = 0x2d;
export const DIGIT_ZERO = 0x30;
export const COLON = 0x3a;
export const EQUALS = 0x3d;
export const AT_SIGN = 0x40;
export const BACKSLASH = 0x5c;
export const CLOSING_BRACE = 0x7d;
/** Bytes below this are control characters, which JSON escapes. */
export const FIRST_PRINTABLE = 0x20;
/** Where a first byte may start a character that is not ASCII (white space or a full-width sign). */
export const FIRST_NON_ASCII = 0x80;

/** A byte four times over, as one 32-bit word. */
export const fourTimes = (b: number) => b * 0x01010101;
export const QUOTES = fourTimes(DOUBLE_QUOTE);
export const BACKSLASHES = fourTimes(BACKSLASH);
export const COMMAS = fourTimes(COMMA);
export const CRS = fourTimes(CR);
export const LFS = fourTimes(LF);
export const FIRST_PRINTABLES = fourTimes(FIRST_PRINTABLE);

/** Whether one of the four bytes of `word` is the byte `byteFourTimes` holds four times. */
export function holds(word: number, byteFourTimes: number): boolean {
  const x = word ^ byteFourTimes;
  return ((x - 0x01010101) & ~x & 0x80808080) !== 0;
}

/**
 * Whether one of the four bytes of `word` is one JSON escapes: a control
 * character (below 0x20), a quote or a backslash.
 */
export function holdsJsonEscape(word: number): boolean {
  const quote = word ^ QUOTES;
  const backslash = word ^ BACKSLASHES;
  const flags =
    ((word - FIRST_PRINTABLES) & ~word) |
    ((quote - 0x01010101) & ~quote) |
    ((backslash - 0x01010101) & ~backslash);
  return (flags & 0x80808080) !== 0;
}
