/** The annotation that points at an entity's decision records (shared with the community ADR plugin). */
export const ADR_LOCATION_ANNOTATION = 'backstage.io/adr-location';

/** The statuses an ADR may have. MADR's `rejected` is accepted too. */
export const ADR_STATUSES = [
  'proposed',
  'accepted',
  'rejected',
  'deprecated',
  'superseded',
] as const;
export type AdrStatus = (typeof ADR_STATUSES)[number];

export function isAdrStatus(value: unknown): value is AdrStatus {
  return ADR_STATUSES.includes(value as AdrStatus);
}

/**
 * The formats the parser reads:
 * - `madr`: Markdown Any Decision Records, versions 2 to 4;
 * - `nygard`: Michael Nygard's original format (as written by adr-tools);
 * - `template`: the organisation's decision template (context, decision,
 *   rationale, alternatives considered, outcome), see docs/adr/template.md.
 */
export const ADR_FORMATS = ['madr', 'nygard', 'template'] as const;
export type AdrFormat = (typeof ADR_FORMATS)[number];

/** A link from one decision to another, as written in the record. */
export interface AdrLink {
  /** The text of the link or reference as written, e.g. `ADR-002`. */
  text: string;
  /** The number it names, when it names one. */
  number?: number;
  /** The file it points at (a name in the same location), when it is a link. */
  file?: string;
}

/** A level-2 or deeper heading, or a bold field of the decision template. */
export interface AdrSection {
  title: string;
  /** 1-based line in the file. */
  line: number;
}

/** One decision read from a file. */
export interface ParsedAdr {
  /** File name inside the ADR location, e.g. `ADR-004-websocket-implementation.md`. */
  file: string;
  /** Set when a file holds several decisions (decision template): `decision-2`. */
  fragment?: string;
  format: AdrFormat;
  /** MADR's major version, when the format is MADR. */
  madrVersion?: 2 | 3 | 4;
  number?: number;
  /** Digits in the file's numbering (3 for `ADR-004-…`), used to show and create ids. */
  numberWidth?: number;
  title: string;
  status?: AdrStatus;
  /** The status as written, e.g. `superseded by [ADR-0005](0005-example.md)`. */
  statusText?: string;
  /** ISO date `YYYY-MM-DD` (the first of the month when only a month is given). */
  date?: string;
  dateText?: string;
  datePrecision?: 'day' | 'month';
  deciders: string[];
  supersedes: AdrLink[];
  supersededBy: AdrLink[];
  sections: AdrSection[];
  /** The markdown to show: the record without front matter. */
  body: string;
  /** 1-based line where the decision starts in the file. */
  line: number;
}

/** What parsing one file produced: its decisions, or why there are none. */
export interface AdrFileResult {
  file: string;
  adrs: ParsedAdr[];
  error?: string;
}

/** The rules of the ADR checks; each problem names one. */
export const ADR_RULES = [
  'location',
  'size',
  'encoding',
  'parse',
  'required-sections',
  'status',
  'date',
  'supersedes',
  'numbering',
  'unsafe-content',
] as const;
export type AdrRule = (typeof ADR_RULES)[number];

export interface AdrProblem {
  rule: AdrRule;
  severity: 'error' | 'warning';
  /** The file it is about; absent when it is about the location itself. */
  file?: string;
  /** The decision inside the file, when a file holds several. */
  fragment?: string;
  message: string;
}
