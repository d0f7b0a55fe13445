import { checkAdrs, findUnsafeContent, relateAdrs } from './check';
import { parseAdrFile } from './parse';

const madr = (
  n: number,
  options: {
    status?: string;
    date?: string;
    extra?: string;
    omit?: string;
  } = {},
) => {
  const file = `ADR-${String(n).padStart(3, '0')}-decision-${n}.md`;
  const sections = [
    'Context and Problem Statement',
    'Considered Options',
    'Decision Outcome',
  ]
    .filter(s => s !== options.omit)
    .map(s => `## ${s}\n\nText.\n`);
  const text = [
    `# Decision ${n}`,
    '',
    `* Status: ${options.status ?? 'accepted'}`,
    `* Date: ${options.date ?? '2025-05-10'}`,
    options.extra ?? '',
    '',
    ...sections,
  ].join('\n');
  return parseAdrFile(file, text);
};

const rules = (problems: ReturnType<typeof checkAdrs>) =>
  problems.map(p => `${p.file ?? '(location)'} ${p.rule}: ${p.message}`);

describe('checkAdrs', () => {
  it('finds nothing wrong in a clean, linked, contiguous set', () => {
    const files = [
      madr(1),
      madr(2, { status: 'superseded by [ADR-003](ADR-003-decision-3.md)' }),
      madr(3, { extra: '* Supersedes: [ADR-002](ADR-002-decision-2.md)' }),
    ];
    expect(rules(checkAdrs(files))).toEqual([]);
  });

  it('names the file and rule of each template violation', () => {
    const files = [
      madr(1, { omit: 'Considered Options' }),
      madr(2, { status: 'draft' }),
      madr(3, { date: '[YYYY-MM-DD]' }),
      madr(4, { extra: '* Supersedes: ADR-017' }),
      madr(6),
      madr(6),
    ];
    files[5] = {
      ...files[5],
      file: 'ADR-006-again.md',
      adrs: files[5].adrs.map(a => ({ ...a, file: 'ADR-006-again.md' })),
    };
    expect(rules(checkAdrs(files))).toEqual([
      'ADR-001-decision-1.md required-sections: missing "Considered Options" (required by the MADR template)',
      'ADR-002-decision-2.md status: "draft" is not a status; expected one of proposed, accepted, rejected, deprecated, superseded',
      'ADR-003-decision-3.md date: "[YYYY-MM-DD]" is not a date; write YYYY-MM-DD',
      'ADR-004-decision-4.md supersedes: supersedes ADR-017, which is not a decision in this location',
      'ADR-006-decision-6.md numbering: ADR-006 is also used by ADR-006-again.md',
      'ADR-006-again.md numbering: ADR-006 is also used by ADR-006-decision-6.md',
      '(location) numbering: ADR-005 is missing: the numbers go from 4 to 6',
    ]);
  });

  it('warns when the two sides of a supersession disagree', () => {
    const files = [
      madr(1),
      madr(2, { extra: '* Supersedes: ADR-001' }),
      madr(3, { status: 'superseded' }),
    ];
    expect(rules(checkAdrs(files))).toEqual([
      'ADR-001-decision-1.md supersedes: ADR-002 supersedes it, but its status is still accepted',
      'ADR-003-decision-3.md supersedes: is superseded, but no decision is named as its successor',
    ]);
  });

  it('lists an unparseable file with its error and still checks the others', () => {
    const files = [
      madr(1),
      parseAdrFile('ADR-002-broken.md', 'no title here'),
      madr(2),
    ];
    expect(rules(checkAdrs(files))).toEqual([
      'ADR-002-broken.md parse: no title: a decision record starts with a level-1 heading ("# ADR-004: …")',
    ]);
  });

  it('relates decisions both ways from one side', () => {
    const adrs = [
      madr(1),
      madr(2, { extra: '* Supersedes: [ADR-001](ADR-001-decision-1.md)' }),
    ].flatMap(f => f.adrs);
    const relations = relateAdrs(adrs);
    expect(relations.get('ADR-001-decision-1.md')).toEqual({
      supersedes: [],
      supersededBy: [
        {
          text: 'ADR-002',
          number: 2,
          file: 'ADR-002-decision-2.md',
          key: 'ADR-002-decision-2.md',
          title: 'Decision 2',
        },
      ],
    });
    expect(relations.get('ADR-002-decision-2.md')?.supersedes[0].key).toBe(
      'ADR-001-decision-1.md',
    );
  });

  it('checks the decision template: Nygard and template sections, month dates', () => {
    const page = parseAdrFile(
      'decisions.md',
      '# Page\n\n### Decision 1: Thing\n**Date:** Oct 2024\n**Status:** accepted\n**Context:** c\n**Decision:** d\n**Rationale:**\n- r\n',
    );
    expect(rules(checkAdrs([page]))).toEqual([
      'decisions.md required-sections: missing "Alternatives Considered or Considered Options or Alternatives", "Outcome or Consequences" (required by the decision template)',
    ]);
  });
});

describe('findUnsafeContent', () => {
  it('names script, handlers, javascript links and Mermaid click or init directives', () => {
    const found = findUnsafeContent(
      [
        '<script>alert(1)</script>',
        '<img src=x onerror="alert(1)">',
        '[click](javascript:alert(1))',
        '```mermaid',
        '%%{init: {"securityLevel": "loose"}}%%',
        'flowchart LR',
        '  A --> B',
        '  click A "javascript:alert(1)"',
        '```',
        '```html',
        '<script>in a code block is just text</script>',
        '```',
      ].join('\n'),
    );
    expect(found).toEqual([
      'a <script> element, which is not rendered',
      'HTML event handlers (on…=), which are removed',
      'a javascript:, vbscript: or data: link, which is removed',
      'a Mermaid click directive (line 4), which strict security disables',
      'a Mermaid init directive that tries to change security settings (line 4), which is ignored',
      'script or event handlers inside a Mermaid diagram (line 4), which strict security removes',
    ]);
    expect(
      findUnsafeContent('# Plain\n\n```mermaid\nflowchart LR\n A-->B\n```'),
    ).toEqual([]);
  });
});
