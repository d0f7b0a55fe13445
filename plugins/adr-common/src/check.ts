import { scanMarkdown, sectionKey } from './markdown';
import { formatAdrId } from './parse';
import {
  ADR_STATUSES,
  AdrFileResult,
  AdrFormat,
  AdrLink,
  AdrProblem,
  ParsedAdr,
} from './types';

/** The identity of a decision inside its location: its file, plus the fragment for multi-decision pages. */
export function adrKey(adr: Pick<ParsedAdr, 'file' | 'fragment'>): string {
  return adr.fragment ? `${adr.file}#${adr.fragment}` : adr.file;
}

/**
 * The sections each format's template requires. An inner list means "one of":
 * the decision template accepts Consequences where the outcome is not known yet,
 * and SmartStack's older records call the rationale "Reasons".
 */
export const REQUIRED_SECTIONS: Record<AdrFormat, Array<string | string[]>> = {
  madr: [
    'Context and Problem Statement',
    'Considered Options',
    'Decision Outcome',
  ],
  nygard: ['Status', 'Context', 'Decision', 'Consequences'],
  template: [
    'Context',
    'Decision',
    ['Rationale', 'Reasons'],
    ['Alternatives Considered', 'Considered Options', 'Alternatives'],
    ['Outcome', 'Consequences'],
  ],
};

export const FORMAT_TITLES: Record<AdrFormat, string> = {
  madr: 'MADR template',
  nygard: 'Nygard format',
  template: 'decision template',
};

/** A supersession link resolved against the decisions of the same location. */
export interface ResolvedAdrLink extends AdrLink {
  /** Key (file, or file#fragment) of the decision it points at, when it exists. */
  key?: string;
  title?: string;
}

export interface AdrRelations {
  supersedes: ResolvedAdrLink[];
  supersededBy: ResolvedAdrLink[];
}

function resolver(adrs: ParsedAdr[]) {
  const byFile = new Map<string, ParsedAdr>();
  const byNumber = new Map<number, ParsedAdr[]>();
  for (const adr of adrs) {
    if (!adr.fragment) byFile.set(adr.file, adr);
    if (adr.number !== undefined) {
      byNumber.set(adr.number, [...(byNumber.get(adr.number) ?? []), adr]);
    }
  }
  return (link: AdrLink): ParsedAdr | undefined => {
    if (link.file && byFile.has(link.file)) return byFile.get(link.file);
    if (link.number !== undefined) {
      const found = byNumber.get(link.number);
      if (found?.length === 1) return found[0];
    }
    return undefined;
  };
}

/**
 * Resolves supersedes / superseded-by in both directions: when ADR-004 says
 * it supersedes ADR-002, ADR-002 is superseded by ADR-004 even if its own file
 * does not say so yet (the checks warn about that).
 */
export function relateAdrs(adrs: ParsedAdr[]): Map<string, AdrRelations> {
  const resolve = resolver(adrs);
  const relations = new Map<string, AdrRelations>(
    adrs.map(adr => [adrKey(adr), { supersedes: [], supersededBy: [] }]),
  );
  const add = (list: ResolvedAdrLink[], link: ResolvedAdrLink) => {
    const same = list.find(l =>
      l.key && link.key
        ? l.key === link.key
        : l.number === link.number && l.file === link.file,
    );
    if (!same) list.push(link);
  };
  const link = (from: ParsedAdr, to: ParsedAdr): ResolvedAdrLink => ({
    text: formatAdrId(to.number ?? 0, to.numberWidth ?? from.numberWidth),
    number: to.number,
    file: to.file,
    key: adrKey(to),
    title: to.title,
  });
  for (const adr of adrs) {
    const own = relations.get(adrKey(adr))!;
    for (const [direction, reverse] of [
      ['supersedes', 'supersededBy'],
      ['supersededBy', 'supersedes'],
    ] as const) {
      for (const written of adr[direction]) {
        const target = resolve(written);
        if (!target) {
          add(own[direction], { ...written });
          continue;
        }
        add(own[direction], link(adr, target));
        add(relations.get(adrKey(target))![reverse], link(target, adr));
      }
    }
  }
  return relations;
}

const synonymsOf = (required: string | string[]) =>
  (Array.isArray(required) ? required : [required]).map(s =>
    s.toLocaleLowerCase('en-US'),
  );

/** Script, event handlers, `javascript:` links and Mermaid directives that the reader neutralises. */
export function findUnsafeContent(markdown: string): string[] {
  const found: string[] = [];
  const scan = scanMarkdown(markdown);
  const prose = scan.lines.filter((_, i) => !scan.inFence[i]).join('\n');
  if (/<\s*script\b/i.test(prose))
    found.push('a <script> element, which is not rendered');
  if (/<[a-z][^>]*\son[a-z]+\s*=/i.test(prose)) {
    found.push('HTML event handlers (on…=), which are removed');
  }
  if (/<\s*(iframe|object|embed|style|form)\b/i.test(prose)) {
    found.push(
      'embedded HTML (iframe, object, embed, style or form), which is removed',
    );
  }
  if (
    /\]\(\s*<?\s*(javascript|vbscript|data):/i.test(prose) ||
    /(href|src)\s*=\s*["']?\s*(javascript|vbscript):/i.test(prose)
  ) {
    found.push('a javascript:, vbscript: or data: link, which is removed');
  }
  for (const fence of scan.fences.filter(f => f.lang === 'mermaid')) {
    const line = fence.index + 1;
    if (/^\s*click\s+/m.test(fence.content)) {
      found.push(
        `a Mermaid click directive (line ${line}), which strict security disables`,
      );
    }
    if (
      /%%\{\s*init/i.test(fence.content) &&
      /securityLevel|htmlLabels|secure/i.test(fence.content)
    ) {
      found.push(
        `a Mermaid init directive that tries to change security settings (line ${line}), which is ignored`,
      );
    }
    if (/<\s*script|javascript:|\son[a-z]+\s*=/i.test(fence.content)) {
      found.push(
        `script or event handlers inside a Mermaid diagram (line ${line}), which strict security removes`,
      );
    }
  }
  return found;
}

/**
 * Checks the decisions of one location against their template: required
 * sections, a valid status and date, supersession targets that exist and
 * agree, and numbering without gaps or duplicates. Files that could not be
 * parsed are reported with their error; they never hide the others.
 */
export function checkAdrs(files: AdrFileResult[]): AdrProblem[] {
  const problems: AdrProblem[] = [];
  const adrs = files.flatMap(f => f.adrs);
  const relations = relateAdrs(adrs);
  const resolve = resolver(adrs);
  const idOf = (adr: ParsedAdr) =>
    adr.number !== undefined
      ? formatAdrId(adr.number, adr.numberWidth)
      : adr.file;

  for (const file of files) {
    if (file.error) {
      problems.push({
        rule: 'parse',
        severity: 'error',
        file: file.file,
        message: file.error,
      });
    }
  }

  for (const adr of adrs) {
    const at = { file: adr.file, fragment: adr.fragment };
    const keys = new Set(adr.sections.map(s => sectionKey(s.title)));
    if (adr.status) keys.add('status');
    const missing = REQUIRED_SECTIONS[adr.format]
      .filter(required => !synonymsOf(required).some(s => keys.has(s)))
      .map(required =>
        Array.isArray(required) ? required.join(' or ') : required,
      );
    if (missing.length) {
      problems.push({
        ...at,
        rule: 'required-sections',
        severity: 'error',
        message: `missing ${missing
          .map(m => `"${m}"`)
          .join(', ')} (required by the ${FORMAT_TITLES[adr.format]})`,
      });
    }

    if (!adr.statusText) {
      problems.push({
        ...at,
        rule: 'status',
        severity: 'error',
        message: `no status; expected one of ${ADR_STATUSES.join(', ')}`,
      });
    } else if (!adr.status) {
      problems.push({
        ...at,
        rule: 'status',
        severity: 'error',
        message: `"${
          adr.statusText
        }" is not a status; expected one of ${ADR_STATUSES.join(', ')}`,
      });
    }

    if (!adr.dateText) {
      problems.push({
        ...at,
        rule: 'date',
        severity: 'error',
        message: 'no date; write the day of the decision as YYYY-MM-DD',
      });
    } else if (!adr.date) {
      problems.push({
        ...at,
        rule: 'date',
        severity: 'error',
        message: `"${adr.dateText}" is not a date; write YYYY-MM-DD`,
      });
    }

    for (const [direction, words] of [
      ['supersedes', 'supersedes'],
      ['supersededBy', 'is superseded by'],
    ] as const) {
      for (const link of adr[direction]) {
        const target = resolve(link);
        if (!target) {
          problems.push({
            ...at,
            rule: 'supersedes',
            severity: 'error',
            message: `${words} ${
              link.file ?? link.text
            }, which is not a decision in this location`,
          });
        } else if (target === adr) {
          problems.push({
            ...at,
            rule: 'supersedes',
            severity: 'error',
            message: `${words} itself`,
          });
        }
      }
    }
    const related = relations.get(adrKey(adr))!;
    if (adr.status === 'superseded' && related.supersededBy.length === 0) {
      problems.push({
        ...at,
        rule: 'supersedes',
        severity: 'warning',
        message: 'is superseded, but no decision is named as its successor',
      });
    }
    if (adr.status && !['superseded', 'deprecated'].includes(adr.status)) {
      const successor = related.supersededBy.find(l => l.key);
      if (successor) {
        problems.push({
          ...at,
          rule: 'supersedes',
          severity: 'warning',
          message: `${successor.text} supersedes it, but its status is still ${adr.status}`,
        });
      }
    }

    if (adr.number === undefined) {
      problems.push({
        ...at,
        rule: 'numbering',
        severity: 'error',
        message:
          'no number: name the file NNNN-title.md (or ADR-NNN-title.md) or number the title',
      });
    }

    const unsafe = findUnsafeContent(adr.body);
    for (const what of unsafe) {
      problems.push({
        ...at,
        rule: 'unsafe-content',
        severity: 'warning',
        message: `contains ${what}`,
      });
    }
  }

  // Numbering over the whole location: no duplicates, no gaps.
  const byNumber = new Map<number, ParsedAdr[]>();
  for (const adr of adrs) {
    if (adr.number !== undefined)
      byNumber.set(adr.number, [...(byNumber.get(adr.number) ?? []), adr]);
  }
  for (const same of byNumber.values()) {
    if (same.length > 1) {
      for (const adr of same) {
        const others = same.filter(o => o !== adr).map(o => adrKey(o));
        problems.push({
          file: adr.file,
          fragment: adr.fragment,
          rule: 'numbering',
          severity: 'error',
          message: `${idOf(adr)} is also used by ${others.join(', ')}`,
        });
      }
    }
  }
  const numbers = [...byNumber.keys()].sort((a, b) => a - b);
  const width = adrs.find(a => a.numberWidth)?.numberWidth;
  for (let i = 1; i < numbers.length; i++) {
    if (numbers[i] - numbers[i - 1] > 1) {
      const from = numbers[i - 1] + 1;
      const to = numbers[i] - 1;
      problems.push({
        rule: 'numbering',
        severity: 'error',
        message:
          from === to
            ? `${formatAdrId(from, width)} is missing: the numbers go from ${
                numbers[i - 1]
              } to ${numbers[i]}`
            : `${formatAdrId(from, width)} to ${formatAdrId(
                to,
                width,
              )} are missing: the numbers go from ${numbers[i - 1]} to ${
                numbers[i]
              }`,
      });
    }
  }
  if (numbers.length && numbers[0] > 1) {
    problems.push({
      rule: 'numbering',
      severity: 'error',
      message: `the numbers start at ${numbers[0]}, not at 1 (or 0)`,
    });
  }
  return problems;
}
