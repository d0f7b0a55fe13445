import fs from 'node:fs';
import path from 'node:path';
import { scanMarkdown } from './markdown';
import { renderNewAdr } from './render';
import { REQUIRED_SECTIONS } from './check';

const templateDoc = fs.readFileSync(
  path.resolve(__dirname, '../../../docs/adr/template.md'),
  'utf8',
);

describe('docs/adr/template.md', () => {
  const skeleton = scanMarkdown(templateDoc).fences.find(
    f => f.lang === 'markdown',
  )!.content;
  const rendered = renderNewAdr({
    number: 7,
    numbering: { prefix: '', width: 4 },
    title: 'T',
    status: 'proposed',
    date: '2026-01-02',
    deciders: ['x'],
    context: 'c',
    decision: 'd',
    supersedes: ['0001-a.md'],
  });
  const shape = (markdown: string) => ({
    fields: markdown
      .split('\n')
      .filter(l => /^- [A-Z]\w+:/.test(l))
      .map(l => l.split(':')[0]),
    sections: scanMarkdown(markdown)
      .headings.filter(h => h.level === 2)
      .map(h => h.text),
  });

  it('documents exactly the record that "New ADR" writes', () => {
    expect(shape(rendered)).toEqual(shape(skeleton));
    expect(shape(skeleton).sections).toEqual(
      REQUIRED_SECTIONS.template.map(s => (Array.isArray(s) ? s[0] : s)),
    );
  });
});
