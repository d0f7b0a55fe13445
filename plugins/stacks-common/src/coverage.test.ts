import { assessStackDocumentation, measuredDocStatus } from './coverage';
import { validateStackPortalFields } from './fields';

const complete = [
  '# Auth Stack',
  '',
  '## System Features',
  '',
  '- Sessions',
  '',
  '## User Features',
  '',
  '### Sign-in',
  '',
  'Passkeys.',
  '',
  '## Architecture',
  '',
  '```mermaid',
  'flowchart LR',
  '  A --> B',
  '```',
  '',
  '## Key Decisions',
  '',
  '| Decision | Choice |',
  '| --- | --- |',
  '| Tokens | JWT |',
  '',
  '## Code Examples',
  '',
  '```ts',
  'const x = 1;',
  '```',
  '',
  '## Trade-offs',
  '',
  'Cookies cost CSRF care.',
].join('\n');

describe('assessStackDocumentation', () => {
  it('finds all six parts of a complete document, with where they are', () => {
    const parts = assessStackDocumentation(complete);
    expect(parts.map(p => [p.part, p.present, p.evidence])).toEqual([
      ['system-features', true, 'line 3: ## System Features'],
      ['user-features', true, 'line 7: ## User Features'],
      ['mermaid-diagrams', true, 'line 15: ```mermaid block'],
      ['decision-tables', true, 'line 22: table under "Key Decisions"'],
      ['code-examples', true, 'line 28: ```ts block'],
      ['trade-off-analysis', true, 'line 32: ## Trade-offs'],
    ]);
    expect(measuredDocStatus(parts)).toBe('complete');
  });

  it('says why a part is missing: no heading, an empty heading, a table elsewhere, only diagrams', () => {
    const text = [
      '# Integration Stack',
      '## System Features',
      '- Webhooks',
      '## User Features',
      '## Overview',
      '| a | b |',
      '|---|---|',
      '| 1 | 2 |',
      '```mermaid',
      'flowchart LR',
      '```',
      '```ts',
      '```',
    ].join('\n');
    const parts = assessStackDocumentation(text);
    expect(
      parts.filter(p => !p.present).map(p => [p.part, p.evidence]),
    ).toEqual([
      [
        'user-features',
        'line 4: the "User Features" heading has nothing under it',
      ],
      [
        'decision-tables',
        'tables found, but none under a heading that mentions decisions',
      ],
      ['code-examples', 'no code block other than diagrams'],
      ['trade-off-analysis', 'no "Trade-offs" heading'],
    ]);
    expect(measuredDocStatus(parts)).toBe('incomplete');
    expect(measuredDocStatus(undefined)).toBe('missing');
  });

  it('does not count headings inside code blocks', () => {
    const parts = assessStackDocumentation(
      '```md\n## System Features\nx\n```\n',
    );
    expect(parts[0].present).toBe(false);
  });
});

describe('stackportal.io/docs-location', () => {
  const entity = (value: string) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'x',
      annotations: { 'stackportal.io/docs-location': value },
    },
    spec: {},
  });
  it('accepts a relative markdown file or a URL and refuses absolute paths', () => {
    expect(validateStackPortalFields(entity('./docs/auth-stack.md'))).toEqual(
      [],
    );
    expect(
      validateStackPortalFields(
        entity('https://github.com/o/r/blob/main/x.md'),
      ),
    ).toEqual([]);
    for (const bad of [
      '/etc/passwd.md',
      'file:///x.md',
      'C:\\x.md',
      'docs/notes.txt',
    ]) {
      expect(validateStackPortalFields(entity(bad))).toEqual([
        expect.objectContaining({ field: 'stackportal.io/docs-location' }),
      ]);
    }
  });
});
