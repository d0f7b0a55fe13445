import { formatAdrId, numberFromFileName } from './parse';

/** How a location names its files: `ADR-` + 3 digits, or 4 digits with no prefix. */
export interface AdrNumbering {
  prefix: string;
  width: number;
}

/** The number the next decision of a location gets, and how its file is named. */
export function nextAdrNumber(
  fileNames: string[],
): AdrNumbering & { number: number } {
  const numbered = fileNames
    .map(name => numberFromFileName(name))
    .filter((n): n is NonNullable<typeof n> => Boolean(n))
    .sort((a, b) => a.number - b.number);
  const last = numbered[numbered.length - 1];
  return {
    number: last ? last.number + 1 : 1,
    prefix: last?.prefix ?? '',
    width: last?.width ?? 4,
  };
}

/** `make the API async` -> `make-the-api-async` (ASCII, at most 60 characters). */
export function slugify(title: string): string {
  return (
    title
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLocaleLowerCase('en-US')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'decision'
  );
}

/** `ADR-010-use-sse.md` or `0010-use-sse.md`, following the location's numbering. */
export function adrFileName(
  number: number,
  title: string,
  numbering: AdrNumbering,
): string {
  return `${numbering.prefix}${String(number).padStart(
    numbering.width,
    '0',
  )}-${slugify(title)}.md`;
}

export interface NewAdrInput {
  number: number;
  numbering: AdrNumbering;
  title: string;
  status: 'proposed' | 'accepted';
  /** ISO date, YYYY-MM-DD. */
  date: string;
  deciders: string[];
  context: string;
  decision: string;
  rationale?: string;
  alternatives?: string;
  outcome?: string;
  /** Decisions this one supersedes: their file names in the same location. */
  supersedes?: string[];
}

const TO_WRITE = {
  rationale: '- _To be written: one reason per line._',
  alternatives:
    '- _To be written: each option considered, and why it was not chosen._',
  outcome:
    '_Not known yet: once the decision has been in use, write how it is working and any regrets._',
};

const block = (text: string | undefined, fallback: string) => {
  const value = (text ?? '').replace(/\r\n?/g, '\n').trim();
  return value || fallback;
};

/**
 * A new decision written in the organisation's decision template
 * (docs/adr/template.md): metadata list, then Context, Decision, Rationale,
 * Alternatives Considered and Outcome.
 */
export function renderNewAdr(input: NewAdrInput): string {
  const id = formatAdrId(input.number, input.numbering.width);
  const single = (text: string) => text.replace(/\s+/g, ' ').trim();
  const meta = [
    `- Status: ${input.status}`,
    `- Date: ${input.date}`,
    `- Deciders: ${
      input.deciders.map(single).filter(Boolean).join(', ') || 'to be named'
    }`,
  ];
  for (const file of input.supersedes ?? []) {
    const n = numberFromFileName(file);
    const label = n ? formatAdrId(n.number, n.width) : file;
    meta.push(`- Supersedes: [${label}](${file})`);
  }
  return [
    `# ${id}: ${single(input.title)}`,
    '',
    ...meta,
    '',
    '## Context',
    '',
    block(input.context, '_To be written: why this decision is needed now._'),
    '',
    '## Decision',
    '',
    block(input.decision, '_To be written: what was chosen._'),
    '',
    '## Rationale',
    '',
    block(input.rationale, TO_WRITE.rationale),
    '',
    '## Alternatives Considered',
    '',
    block(input.alternatives, TO_WRITE.alternatives),
    '',
    '## Outcome',
    '',
    block(input.outcome, TO_WRITE.outcome),
    '',
  ].join('\n');
}
