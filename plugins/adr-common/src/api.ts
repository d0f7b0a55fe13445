import type { ResolvedAdrLink } from './check';
import type { AdrFormat, AdrProblem, AdrStatus } from './types';

/** A decision as lists show it: its metadata, relations and check results. */
export interface AdrSummary {
  /** Identity inside its location: the file, plus `#fragment` for multi-decision pages. */
  key: string;
  file: string;
  fragment?: string;
  /** `ADR-004`, when the decision is numbered. */
  id?: string;
  number?: number;
  title: string;
  status?: AdrStatus;
  statusText?: string;
  /** ISO date YYYY-MM-DD. */
  date?: string;
  datePrecision?: 'day' | 'month';
  deciders: string[];
  format: AdrFormat;
  madrVersion?: 2 | 3 | 4;
  supersedes: ResolvedAdrLink[];
  supersededBy: ResolvedAdrLink[];
  /** What the checks found in this decision. */
  problems: AdrProblem[];
}

/** Where an entity's decisions are read from. */
export interface AdrLocationInfo {
  /** The annotation as written. */
  annotation: string;
  /** `file` for the local catalog, `url` for repositories behind an integration. */
  type: 'file' | 'url';
  /** What to show: a path relative to the repository, or the URL. */
  target: string;
}

/** `GET /entities/:kind/:namespace/:name/adrs` */
export interface EntityAdrsResponse {
  entityRef: string;
  location?: AdrLocationInfo;
  /** Sorted by number. */
  adrs: AdrSummary[];
  /** Every problem: the location's, unreadable or unparseable files, and each decision's. */
  problems: AdrProblem[];
  /** Set when the location itself cannot be read; `adrs` is then empty. */
  error?: AdrProblem;
  /** True when the last read failed and the answer is the last good one. */
  degraded: boolean;
  /** When the files were last read or revalidated (ISO timestamp). */
  checkedAt: string;
}

/** `GET /entities/:kind/:namespace/:name/adrs/:key` */
export interface AdrRecordResponse {
  entityRef: string;
  adr: AdrSummary;
  /** The record's markdown (without front matter). */
  markdown: string;
}

/** An entity a decision belongs to. */
export interface AdrEntityLink {
  entityRef: string;
  title: string;
}

/** One row of the portal-wide index. */
export interface AdrIndexEntry extends AdrSummary {
  /** Entities whose `backstage.io/adr-location` reads this decision; the first is its home. */
  entities: AdrEntityLink[];
  systems: AdrEntityLink[];
  stacks: AdrEntityLink[];
}

export interface AdrIndexFilter {
  status?: AdrStatus[];
  /** System entity references. */
  system?: string[];
  /** Stack (System of type stack) entity references. */
  stack?: string[];
  decider?: string[];
  /** Inclusive ISO dates. */
  from?: string;
  to?: string;
  /** Words that must all appear in the decision's title, number or text (any case). */
  q?: string;
}

/** `GET /adrs` */
export interface AdrIndexResponse {
  /** The matching decisions, newest first (undated last). */
  adrs: AdrIndexEntry[];
  /** Decisions before filtering. */
  total: number;
  /** The values the filters can take, over every decision. */
  facets: {
    statuses: Partial<Record<AdrStatus, number>>;
    systems: AdrEntityLink[];
    stacks: AdrEntityLink[];
    deciders: string[];
  };
  /** Location-level problems and unreadable files (per-decision problems are on each row). */
  problems: Array<AdrProblem & { entityRef: string }>;
  degraded: boolean;
}

/** A decision as the search collator indexes it. */
/** The search index's document type of decisions (the search page's "Decisions"). */
export const ADR_SEARCH_TYPE = 'adr';

/** A decision as the search index holds it; `location` opens it on its entity's Decisions tab. */
export interface AdrSearchDocument {
  title: string;
  text: string;
  location: string;
  /** The entity whose Decisions tab shows it, and that entity's title. */
  entityRef: string;
  entityTitle: string;
  status?: AdrStatus;
  /** The status as written when it is not one of the five. */
  statusText?: string;
  date?: string;
  id?: string;
  /** The stacks the decision belongs to: references and titles, in the same order. */
  stackRefs: string[];
  stacks: string[];
}
