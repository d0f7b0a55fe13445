import {
  adrKey,
  AdrFileResult,
  AdrProblem,
  AdrSummary,
  checkAdrs,
  formatAdrId,
  parseAdrFile,
  ParsedAdr,
  relateAdrs,
} from '@internal/backstage-plugin-adr-common';
import { LocationSnapshot } from '../reader/DocumentReader';

/** The decisions of one location, parsed and checked. */
export interface LocationAdrs {
  /** Sorted by number; unnumbered last. */
  summaries: AdrSummary[];
  /** Markdown of each decision by key. */
  bodies: Map<string, string>;
  /** Every problem: location, unreadable files, and each decision's. */
  problems: AdrProblem[];
  /** Set when the location itself cannot be read. */
  error?: AdrProblem;
}

const byNumber = (a: ParsedAdr, b: ParsedAdr) =>
  (a.number ?? Infinity) - (b.number ?? Infinity) ||
  a.file.localeCompare(b.file) ||
  (a.fragment ?? '').localeCompare(b.fragment ?? '');

/**
 * Parses every readable file of a snapshot, runs the checks over the whole
 * location and relates supersessions both ways. Unreadable and unparseable
 * files become problems; they never hide the other decisions.
 */
export function buildLocationAdrs(
  snapshot: LocationSnapshot,
  parse: (name: string, text: string) => AdrFileResult = parseAdrFile,
): LocationAdrs {
  if (snapshot.problem) {
    const error: AdrProblem = { ...snapshot.problem };
    return { summaries: [], bodies: new Map(), problems: [error], error };
  }
  const results: AdrFileResult[] = [];
  const problems: AdrProblem[] = [];
  for (const file of snapshot.files) {
    if (file.text !== undefined) {
      results.push(parse(file.name, file.text));
    } else if (file.problem) {
      problems.push({ ...file.problem, severity: 'error', file: file.name });
    }
  }
  problems.push(...checkAdrs(results));
  const adrs = results.flatMap(r => r.adrs).sort(byNumber);
  const relations = relateAdrs(adrs);
  const width = adrs.find(a => a.numberWidth)?.numberWidth;
  const summaries = adrs.map((adr): AdrSummary => {
    const key = adrKey(adr);
    const related = relations.get(key)!;
    return {
      key,
      file: adr.file,
      fragment: adr.fragment,
      id:
        adr.number !== undefined
          ? formatAdrId(adr.number, adr.numberWidth ?? width)
          : undefined,
      number: adr.number,
      title: adr.title,
      status: adr.status,
      statusText: adr.statusText,
      date: adr.date,
      datePrecision: adr.datePrecision,
      deciders: adr.deciders,
      format: adr.format,
      madrVersion: adr.madrVersion,
      supersedes: related.supersedes,
      supersededBy: related.supersededBy,
      problems: problems.filter(
        p => p.file === adr.file && p.fragment === adr.fragment,
      ),
    };
  });
  return {
    summaries,
    bodies: new Map(adrs.map(adr => [adrKey(adr), adr.body])),
    problems,
  };
}
