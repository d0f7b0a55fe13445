/** A heading of a markdown document, outside code fences. */
export interface MarkdownHeading {
  level: number;
  text: string;
  /** 0-based index into the document's lines. */
  index: number;
}

/** A fenced code block. */
export interface MarkdownFence {
  lang: string;
  /** 0-based index of the opening fence line. */
  index: number;
  content: string;
}

export interface MarkdownScan {
  lines: string[];
  headings: MarkdownHeading[];
  fences: MarkdownFence[];
  /** For each line, whether it is inside (or is the marker of) a code fence. */
  inFence: boolean[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const ATX = /^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$/;

/** Removes inline markdown (emphasis, code, links, comments) from a heading or field. */
export function plainText(text: string): string {
  return text
    .replace(/<!--.*?-->/g, '')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__|\*|_|`)(.+?)\1/g, '$2')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Splits a document into lines and finds its headings and code fences. */
export function scanMarkdown(text: string): MarkdownScan {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const headings: MarkdownHeading[] = [];
  const fences: MarkdownFence[] = [];
  const inFence: boolean[] = new Array(lines.length).fill(false);
  let open: { marker: string; lang: string; index: number } | undefined;
  lines.forEach((line, index) => {
    if (open) {
      inFence[index] = true;
      const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/);
      if (
        close &&
        close[1][0] === open.marker[0] &&
        close[1].length >= open.marker.length
      ) {
        fences.push({
          lang: open.lang,
          index: open.index,
          content: lines.slice(open.index + 1, index).join('\n'),
        });
        open = undefined;
      }
      return;
    }
    const fence = line.match(FENCE);
    if (fence) {
      inFence[index] = true;
      open = {
        marker: fence[1],
        lang: fence[2].toLocaleLowerCase('en-US'),
        index,
      };
      return;
    }
    const heading = line.match(ATX);
    if (heading) {
      headings.push({
        level: heading[1].length,
        text: plainText(heading[2]),
        index,
      });
    }
  });
  if (open) {
    // An unclosed fence runs to the end of the document, as CommonMark reads it.
    fences.push({
      lang: open.lang,
      index: open.index,
      content: lines.slice(open.index + 1).join('\n'),
    });
  }
  return { lines, headings, fences, inFence };
}

/** Normalises a section title for comparison: lower case, no numbering, no colon. */
export function sectionKey(title: string): string {
  return plainText(title)
    .toLocaleLowerCase('en-US')
    .replace(/^\d+(\.\d+)*\.?\s+/, '')
    .replace(/[:.]+$/, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * YAML front matter of the simple kind MADR uses: `key: value` lines, with
 * values that may be quoted, flow lists (`[a, b]`) or block lists (`- a`).
 */
export function readFrontMatter(
  lines: string[],
): { data: Record<string, string | string[]>; end: number } | undefined {
  if (lines[0]?.trim() !== '---') return undefined;
  const end = lines.findIndex(
    (line, i) => i > 0 && /^(---|\.\.\.)\s*$/.test(line),
  );
  if (end < 0) return undefined;
  const data: Record<string, string | string[]> = {};
  let listKey: string | undefined;
  for (const raw of lines.slice(1, end)) {
    const line = raw.replace(/\s+#.*$/, '');
    if (!line.trim() || line.trim().startsWith('#')) continue;
    const item = line.match(/^\s+-\s+(.*)$/) ?? line.match(/^-\s+(.*)$/);
    if (item && listKey) {
      const list = Array.isArray(data[listKey])
        ? (data[listKey] as string[])
        : [];
      list.push(unquote(item[1]));
      data[listKey] = list;
      continue;
    }
    const pair = line.match(/^([A-Za-z][\w-]*)\s*:\s*(.*)$/);
    if (!pair) continue;
    const key = pair[1].toLocaleLowerCase('en-US');
    const value = pair[2].trim();
    listKey = value ? undefined : key;
    if (value.startsWith('[') && value.endsWith(']') && !/\]\(/.test(value)) {
      data[key] = value
        .slice(1, -1)
        .split(',')
        .map(v => unquote(v))
        .filter(Boolean);
    } else if (value) {
      data[key] = unquote(value);
    }
  }
  return { data, end };
}

function unquote(value: string): string {
  const v = value.trim();
  if (
    v.length >= 2 &&
    ((v.startsWith('"') && v.endsWith('"')) ||
      (v.startsWith("'") && v.endsWith("'")))
  ) {
    return v.slice(1, -1);
  }
  return v;
}
