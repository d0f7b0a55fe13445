import type { DocStatus, Priority } from './fields';

/**
 * The six parts every stack's documentation must have, in the order the
 * architecture review lists them.
 */
export const DOC_PARTS = [
  'system-features',
  'user-features',
  'mermaid-diagrams',
  'decision-tables',
  'code-examples',
  'trade-off-analysis',
] as const;
export type DocPart = (typeof DOC_PARTS)[number];

export const DOC_PART_TITLES: Record<DocPart, string> = {
  'system-features': 'System Features',
  'user-features': 'User Features',
  'mermaid-diagrams': 'Mermaid diagrams',
  'decision-tables': 'Decision tables',
  'code-examples': 'Code examples',
  'trade-off-analysis': 'Trade-off analysis',
};

/** What the portal found for one part, and where. */
export interface DocPartResult {
  part: DocPart;
  present: boolean;
  /** Where it was found (`line 12: ## System Features`), or why it counts as missing. */
  evidence: string;
}

/** One stack's measured documentation. */
export interface StackCoverage {
  entityRef: string;
  name: string;
  title: string;
  priority?: Priority;
  reviewRank?: number;
  /** The annotation's value, when the stack has one. */
  docsLocation?: string;
  /** The status the catalog declares (`stackportal.io/doc-status`). */
  declaredStatus?: DocStatus;
  /** The status measured from the documentation itself. */
  measuredStatus: DocStatus;
  /** One result per part, in `DOC_PARTS` order; empty when there is no readable document. */
  parts: DocPartResult[];
  /** Why the document could not be read (escape, size, encoding, not found). */
  error?: string;
}

/** `GET /api/adr/coverage` */
export interface CoverageResponse {
  /** Every stack, most urgent first as the review ranks them. */
  stacks: StackCoverage[];
  /** Stacks per measured status. */
  measured: Record<DocStatus, number>;
  /** Stacks whose declared status differs from the measured one. */
  mismatches: number;
}

/** `GET /api/adr/entities/system/:namespace/:name/documentation`: one stack's document. */
export interface StackDocumentResponse {
  entityRef: string;
  /** The `stackportal.io/docs-location` annotation's value. */
  docsLocation: string;
  /** The document's Markdown, as read. */
  markdown: string;
  measuredStatus: DocStatus;
  parts: DocPartResult[];
}

interface Heading {
  level: number;
  text: string;
  line: number;
  hasContent: boolean;
}

/**
 * Finds the six required parts in a stack's markdown documentation:
 * headings "System Features", "User Features" and "Trade-offs" (or
 * "Trade-off analysis") with content under them, a ```mermaid block, a
 * table under a heading that mentions decisions, and a code block in any
 * other language.
 */
export function assessStackDocumentation(markdown: string): DocPartResult[] {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const headings: Heading[] = [];
  const fences: Array<{ lang: string; line: number; empty: boolean }> = [];
  const tables: Array<{ line: number; under: string[] }> = [];
  const stack: Heading[] = [];
  let fence:
    | { marker: string; lang: string; line: number; empty: boolean }
    | undefined;

  lines.forEach((line, i) => {
    if (fence) {
      const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/);
      if (
        close &&
        close[1][0] === fence.marker[0] &&
        close[1].length >= fence.marker.length
      ) {
        fences.push({ lang: fence.lang, line: fence.line, empty: fence.empty });
        fence = undefined;
      } else if (line.trim()) {
        fence.empty = false;
      }
      return;
    }
    const open = line.match(/^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/);
    if (open) {
      fence = {
        marker: open[1],
        lang: open[2].toLocaleLowerCase('en-US'),
        line: i + 1,
        empty: true,
      };
      stack.forEach(h => (h.hasContent = true));
      return;
    }
    const heading = line.match(/^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading) {
      const h: Heading = {
        level: heading[1].length,
        text: heading[2].replace(/[*_`]/g, '').trim(),
        line: i + 1,
        hasContent: false,
      };
      while (stack.length && stack[stack.length - 1].level >= h.level)
        stack.pop();
      stack.push(h);
      headings.push(h);
      return;
    }
    if (line.trim()) stack.forEach(h => (h.hasContent = true));
    const next = lines[i + 1] ?? '';
    if (
      line.includes('|') &&
      /^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$/.test(next) &&
      next.includes('-')
    ) {
      tables.push({ line: i + 1, under: stack.map(h => h.text) });
    }
  });
  if (fence)
    fences.push({ lang: fence.lang, line: fence.line, empty: fence.empty });

  const section = (
    part: DocPart,
    pattern: RegExp,
    name: string,
  ): DocPartResult => {
    const found = headings.filter(h => pattern.test(h.text));
    const withContent = found.find(h => h.hasContent);
    if (withContent) {
      return {
        part,
        present: true,
        evidence: `line ${withContent.line}: ${'#'.repeat(withContent.level)} ${
          withContent.text
        }`,
      };
    }
    return {
      part,
      present: false,
      evidence: found.length
        ? `line ${found[0].line}: the "${found[0].text}" heading has nothing under it`
        : `no "${name}" heading`,
    };
  };

  const mermaid = fences.find(f => f.lang === 'mermaid' && !f.empty);
  const code = fences.find(f => f.lang !== 'mermaid' && !f.empty);
  const decisionTable = tables.find(t =>
    t.under.some(text => /decision/i.test(text)),
  );
  return [
    section('system-features', /system\s+features/i, 'System Features'),
    section('user-features', /user\s+features/i, 'User Features'),
    mermaid
      ? {
          part: 'mermaid-diagrams',
          present: true,
          evidence: `line ${mermaid.line}: \`\`\`mermaid block`,
        }
      : {
          part: 'mermaid-diagrams',
          present: false,
          evidence: 'no ```mermaid block',
        },
    decisionTable
      ? {
          part: 'decision-tables',
          present: true,
          evidence: `line ${
            decisionTable.line
          }: table under "${decisionTable.under
            .filter(t => /decision/i.test(t))
            .pop()}"`,
        }
      : {
          part: 'decision-tables',
          present: false,
          evidence: tables.length
            ? 'tables found, but none under a heading that mentions decisions'
            : 'no table under a heading that mentions decisions',
        },
    code
      ? {
          part: 'code-examples',
          present: true,
          evidence: `line ${code.line}: \`\`\`${code.lang || 'code'} block`,
        }
      : {
          part: 'code-examples',
          present: false,
          evidence: 'no code block other than diagrams',
        },
    section('trade-off-analysis', /trade[\s-]*offs?/i, 'Trade-offs'),
  ];
}

/** complete: all six parts; incomplete: a document lacking some; missing: no readable document. */
export function measuredDocStatus(
  parts: DocPartResult[] | undefined,
): DocStatus {
  if (!parts?.length) return 'missing';
  return parts.every(p => p.present) ? 'complete' : 'incomplete';
}
