import {
  MarkdownScan,
  plainText,
  readFrontMatter,
  scanMarkdown,
  sectionKey,
} from './markdown';
import {
  AdrFileResult,
  AdrFormat,
  AdrLink,
  AdrSection,
  AdrStatus,
  ParsedAdr,
} from './types';

const MONTHS = [
  'jan',
  'feb',
  'mar',
  'apr',
  'may',
  'jun',
  'jul',
  'aug',
  'sep',
  'oct',
  'nov',
  'dec',
];

/** The number a file name starts with: `ADR-004-x.md`, `0004-x.md`, `4-x.md`. */
export function numberFromFileName(
  file: string,
): { number: number; width: number; prefix: string } | undefined {
  const base = file.split('/').pop() ?? file;
  const match = base.match(/^((?:adr|ADR)[-_]?)?(\d+)(?=[-_. ]|$)/);
  if (!match) return undefined;
  return {
    number: Number(match[2]),
    width: match[2].length,
    prefix: match[1] ?? '',
  };
}

/** The number a reference names: `ADR-004`, `ADR 4`, `Decision 2`, `#4`. */
export function numberFromText(text: string): number | undefined {
  const match =
    text.match(/\b(?:ADR|Decision)[-_\s#]*(\d+)\b/i) ??
    text.match(/^\s*#?(\d+)(?:[.:\s]|$)/);
  return match ? Number(match[1]) : undefined;
}

/** `ADR-004` (at least three digits, more when the files use more). */
export function formatAdrId(number: number, width = 3): string {
  return `ADR-${String(number).padStart(Math.max(width, 3), '0')}`;
}

/**
 * Reads a decision date: `2025-05-10`, `2025-05`, `May 10, 2025`,
 * `10 May 2025`, `Oct 2024`. Undefined when it is not a real date.
 */
export function parseAdrDate(
  text: string | undefined,
): { iso: string; precision: 'day' | 'month' } | undefined {
  if (!text) return undefined;
  const value = plainText(text)
    .replace(/\s*\(.*\)\s*$/, '')
    .trim();
  const iso = (y: number, m: number, d?: number) => {
    if (m < 1 || m > 12 || y < 1900 || y > 2999) return undefined;
    if (d !== undefined) {
      const date = new Date(Date.UTC(y, m - 1, d));
      if (date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
        return undefined;
    }
    const day = String(d ?? 1).padStart(2, '0');
    return {
      iso: `${y}-${String(m).padStart(2, '0')}-${day}`,
      precision: d === undefined ? ('month' as const) : ('day' as const),
    };
  };
  const month = (name: string) => {
    const i = MONTHS.indexOf(name.slice(0, 3).toLocaleLowerCase('en-US'));
    return i < 0 ? undefined : i + 1;
  };
  let m = value.match(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/);
  if (m) return iso(+m[1], +m[2], +m[3]);
  m = value.match(/^(\d{4})-(\d{1,2})$/);
  if (m) return iso(+m[1], +m[2]);
  m = value.match(
    /^([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$/,
  );
  if (m && month(m[1])) return iso(+m[3], month(m[1])!, +m[2]);
  m = value.match(
    /^(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})$/,
  );
  if (m && month(m[2])) return iso(+m[3], month(m[2])!, +m[1]);
  m = value.match(/^([A-Za-z]{3,9})\.?,?\s+(\d{4})$/);
  if (m && month(m[1])) return iso(+m[2], month(m[1])!);
  return undefined;
}

/** The status word a status text starts with, when it is a known one. */
export function parseAdrStatus(
  text: string | undefined,
): AdrStatus | undefined {
  const value = plainText(text ?? '').toLocaleLowerCase('en-US');
  const match = value.match(
    /^(proposed|accepted|rejected|deprecated|superseded)\b/,
  );
  return match ? (match[1] as AdrStatus) : undefined;
}

/** The decisions a piece of text links to or names (`[ADR-2](0002-x.md)`, `ADR-004`). */
export function extractAdrLinks(text: string): AdrLink[] {
  const links: AdrLink[] = [];
  const linkPattern = /\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
  for (const match of text.matchAll(linkPattern)) {
    const label = plainText(match[1]);
    const target = match[2].split(/[?#]/)[0];
    const isRelativeFile =
      !/^[a-z][a-z0-9+.-]*:/i.test(target) && /\.md$/i.test(target);
    const file = isRelativeFile ? target.split('/').pop() : undefined;
    const number =
      (file ? numberFromFileName(file)?.number : undefined) ??
      numberFromText(label);
    if (file || number !== undefined) links.push({ text: label, file, number });
  }
  const rest = text.replace(linkPattern, ' ');
  for (const match of rest.matchAll(/\b(?:ADR|Decision)[-_\s#]*(\d+)\b/gi)) {
    links.push({ text: match[0], number: Number(match[1]) });
  }
  const seen = new Set<string>();
  return links.filter(link => {
    const key = link.file ?? `#${link.number}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const FIELD =
  /^\s*(?:[-*+]\s+)?(?:\*\*|__)?([A-Za-z][A-Za-z -]{1,30}?)(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s*(.*)$/;
const FIELD_NAMES: Record<string, keyof Fields> = {
  status: 'status',
  date: 'date',
  'last updated': 'date',
  deciders: 'deciders',
  'decision-makers': 'deciders',
  'decision makers': 'deciders',
  supersedes: 'supersedes',
  'superseded by': 'supersededBy',
  'superseded-by': 'supersededBy',
};
const SUPERSEDE_LINE =
  /^\s*(?:[-*+]\s+)?(?:\*\*|__)?(supersedes|superseded[ -]by)(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*(.+)$/i;

interface Fields {
  status?: string;
  date?: string;
  deciders?: string | string[];
  supersedes?: string;
  supersededBy?: string;
}

function readFields(lines: string[], fields: Fields = {}): Fields {
  for (const line of lines) {
    const match = line.match(FIELD);
    if (!match) continue;
    const key = FIELD_NAMES[match[1].trim().toLocaleLowerCase('en-US')];
    const value = match[2].trim();
    if (key && value && fields[key] === undefined) {
      fields[key] = value;
    }
  }
  return fields;
}

const isPlaceholder = (value: string) =>
  /^\s*[[{].*[\]}]\s*$/.test(value) && !/\]\(/.test(value);

function splitDeciders(value: string | string[] | undefined): string[] {
  const items = Array.isArray(value)
    ? value
    : (value ?? '').split(/[,;]|\s+and\s+/);
  return items
    .map(item => plainText(item))
    .filter(item => item && !isPlaceholder(item));
}

/** Bold template fields at the start of a line: `**Context:** …`. */
function boldFields(lines: string[], offset: number): AdrSection[] {
  const sections: AdrSection[] = [];
  lines.forEach((line, i) => {
    const match = line.match(/^\s*(?:\*\*|__)([^*_:]{2,40}?):?(?:\*\*|__):?/);
    if (match) sections.push({ title: match[1].trim(), line: offset + i + 1 });
  });
  return sections;
}

const MADR_SECTIONS = [
  'context and problem statement',
  'decision outcome',
  'considered options',
];
const TEMPLATE_SECTIONS = [
  'rationale',
  'alternatives considered',
  'outcome',
  'reasons',
];

function detectFormat(
  keys: Set<string>,
  frontMatter: Record<string, string | string[]> | undefined,
): { format: AdrFormat; madrVersion?: 2 | 3 | 4 } | undefined {
  const fm = frontMatter ?? {};
  const madrFront = ['status', 'date', 'deciders', 'decision-makers'].some(
    k => k in fm,
  );
  if (madrFront || MADR_SECTIONS.some(s => keys.has(s))) {
    if ('decision-makers' in fm) return { format: 'madr', madrVersion: 4 };
    if (madrFront) return { format: 'madr', madrVersion: 3 };
    return { format: 'madr', madrVersion: 2 };
  }
  if (TEMPLATE_SECTIONS.some(s => keys.has(s))) return { format: 'template' };
  if (keys.has('context') && keys.has('decision')) return { format: 'nygard' };
  return undefined;
}

/** Title and number from a heading such as `ADR-004: WebSocket`, `4. Use X`, `Decision 2: Y`. */
function splitTitle(heading: string): { title: string; number?: number } {
  const prefixed = heading.match(
    /^(?:ADR|Decision)[-_\s#]*(\d+)\s*[:.\-–—)]?\s*(.*)$/i,
  );
  if (prefixed && prefixed[2])
    return { number: Number(prefixed[1]), title: prefixed[2].trim() };
  const numbered = heading.match(/^(\d+)\s*[.:)\-–—]\s*(.+)$/);
  if (numbered)
    return { number: Number(numbered[1]), title: numbered[2].trim() };
  return { title: heading.trim() };
}

function linksFromLines(lines: string[], scanFence: boolean[], offset: number) {
  const supersedes: AdrLink[] = [];
  const supersededBy: AdrLink[] = [];
  lines.forEach((line, i) => {
    if (scanFence[offset + i]) return;
    const match = line.match(SUPERSEDE_LINE);
    if (!match) return;
    const into = /^supersedes$/i.test(match[1]) ? supersedes : supersededBy;
    into.push(...extractAdrLinks(match[2]));
  });
  return { supersedes, supersededBy };
}

function mergeLinks(...lists: AdrLink[][]): AdrLink[] {
  const seen = new Set<string>();
  const out: AdrLink[] = [];
  for (const link of lists.flat()) {
    const key =
      link.number !== undefined ? `#${link.number}` : `f:${link.file}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(link);
    }
  }
  return out;
}

function buildAdr(options: {
  file: string;
  fragment?: string;
  scan: MarkdownScan;
  start: number;
  end: number;
  heading: string;
  format: AdrFormat;
  madrVersion?: 2 | 3 | 4;
  fields: Fields;
  sections: AdrSection[];
  statusSection?: string;
  body: string;
}): ParsedAdr {
  const { file, fragment, scan, start, end, fields, sections, format } =
    options;
  const fromFile = fragment ? undefined : numberFromFileName(file);
  const split = splitTitle(options.heading);
  const statusText = fields.status ?? options.statusSection;
  const status = parseAdrStatus(statusText);
  const date = parseAdrDate(fields.date);
  const lines = scan.lines.slice(start, end);
  const fromLines = linksFromLines(lines, scan.inFence, start);
  const statusLinks =
    statusText && /superseded\s+by/i.test(statusText)
      ? extractAdrLinks(statusText.replace(/^[\s\S]*?superseded\s+by/i, ''))
      : [];
  const fieldLinks = (value?: string) =>
    value && !isPlaceholder(value) ? extractAdrLinks(value) : [];
  return {
    file,
    fragment,
    format,
    madrVersion: options.madrVersion,
    number: fromFile?.number ?? split.number,
    numberWidth: fromFile?.width,
    title: split.title || options.heading,
    status,
    statusText: statusText ? plainText(statusText) : undefined,
    date: date?.iso,
    dateText: fields.date ? plainText(fields.date) : undefined,
    datePrecision: date?.precision,
    deciders: splitDeciders(fields.deciders),
    supersedes: mergeLinks(fieldLinks(fields.supersedes), fromLines.supersedes),
    supersededBy: mergeLinks(
      statusLinks,
      fieldLinks(fields.supersededBy),
      fromLines.supersededBy,
    ),
    sections,
    body: options.body,
    line: start + 1,
  };
}

/** Decision-template pages hold several `Decision N: Title` blocks. */
function parseDecisionBlocks(
  file: string,
  scan: MarkdownScan,
): ParsedAdr[] | undefined {
  const blocks = scan.headings.filter(
    h => h.level >= 2 && /^Decision\s+\d+\s*[:.\-–—]\s*\S/i.test(h.text),
  );
  if (!blocks.length) return undefined;
  const adrs: ParsedAdr[] = [];
  blocks.forEach((block, i) => {
    const next = scan.headings.find(
      h =>
        h.index > block.index &&
        h.level <= block.level &&
        (i + 1 >= blocks.length || h.index <= blocks[i + 1].index),
    );
    const end = next?.index ?? scan.lines.length;
    const lines = scan.lines.slice(block.index + 1, end);
    const split = splitTitle(block.text);
    if (isPlaceholder(split.title)) return; // the template's own example
    const sections = [
      ...boldFields(lines, block.index + 1),
      ...scan.headings
        .filter(h => h.index > block.index && h.index < end)
        .map(h => ({ title: h.text, line: h.index + 1 })),
    ];
    adrs.push(
      buildAdr({
        file,
        fragment: `decision-${split.number}`,
        scan,
        start: block.index,
        end,
        heading: block.text,
        format: 'template',
        fields: readFields(lines),
        sections,
        body: [`# ${block.text}`, ...lines].join('\n').trim(),
      }),
    );
  });
  return adrs;
}

/**
 * Reads the decisions of one markdown file: one for a MADR, Nygard or
 * decision-template record, several for a decision-template page with
 * `Decision N:` sections. A file that is not a decision record gives an
 * error instead, never an exception.
 */
export function parseAdrFile(file: string, text: string): AdrFileResult {
  try {
    const scan = scanMarkdown(text);
    const front = readFrontMatter(scan.lines);
    const blocks = parseDecisionBlocks(file, scan);
    if (blocks) {
      return blocks.length
        ? { file, adrs: blocks }
        : {
            file,
            adrs: [],
            error:
              'the page has only placeholder decisions ("Decision 1: [Name]")',
          };
    }
    const bodyStart = front ? front.end + 1 : 0;
    const title = scan.headings.find(
      h => h.level === 1 && h.index >= bodyStart,
    );
    if (!title) {
      return {
        file,
        adrs: [],
        error:
          'no title: a decision record starts with a level-1 heading ("# ADR-004: …")',
      };
    }
    const firstSection = scan.headings.find(
      h => h.level >= 2 && h.index > title.index,
    );
    const preamble = scan.lines.slice(
      bodyStart,
      firstSection?.index ?? scan.lines.length,
    );
    const sections: AdrSection[] = scan.headings
      .filter(h => h.level >= 2 && h.index > title.index)
      .map(h => ({ title: h.text, line: h.index + 1 }));
    const bold = boldFields(scan.lines.slice(title.index + 1), title.index + 1);
    const keys = new Set([...sections, ...bold].map(s => sectionKey(s.title)));
    const detected = detectFormat(keys, front?.data);
    if (!detected) {
      return {
        file,
        adrs: [],
        error:
          'not a decision record: none of the sections of MADR (Context and Problem Statement, Considered Options, Decision Outcome), ' +
          'Nygard (Status, Context, Decision, Consequences) or the decision template (Context, Decision, Rationale, Alternatives Considered, Outcome)',
      };
    }
    const fm = front?.data ?? {};
    const fields: Fields = {
      status: typeof fm.status === 'string' ? fm.status : undefined,
      date: typeof fm.date === 'string' ? fm.date : undefined,
      deciders: fm['decision-makers'] ?? fm.deciders,
      supersedes: typeof fm.supersedes === 'string' ? fm.supersedes : undefined,
      supersededBy:
        typeof fm['superseded-by'] === 'string'
          ? (fm['superseded-by'] as string)
          : undefined,
    };
    readFields(preamble, fields);
    if (detected.format === 'template') {
      readFields(scan.lines.slice(title.index + 1), fields);
    }
    let statusSection: string | undefined;
    const statusHeading = scan.headings.find(
      h =>
        h.level >= 2 &&
        h.index > title.index &&
        sectionKey(h.text) === 'status',
    );
    if (statusHeading) {
      const next = scan.headings.find(h => h.index > statusHeading.index);
      statusSection = scan.lines
        .slice(statusHeading.index + 1, next?.index ?? scan.lines.length)
        .map(line => line.replace(/^\s*[-*+]\s+/, '').trim())
        .find(Boolean);
    }
    return {
      file,
      adrs: [
        buildAdr({
          file,
          scan,
          start: bodyStart,
          end: scan.lines.length,
          heading: title.text,
          format: detected.format,
          madrVersion: detected.madrVersion,
          fields,
          sections:
            detected.format === 'template' ? [...sections, ...bold] : sections,
          statusSection,
          body: scan.lines.slice(bodyStart).join('\n').trim(),
        }),
      ],
    };
  } catch (e) {
    return {
      file,
      adrs: [],
      error: `could not be read as markdown: ${(e as Error).message}`,
    };
  }
}
