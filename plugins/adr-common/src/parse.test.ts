import fs from 'node:fs';
import path from 'node:path';
import {
  extractAdrLinks,
  formatAdrId,
  numberFromFileName,
  parseAdrDate,
  parseAdrFile,
} from './parse';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

describe('parseAdrFile', () => {
  it('reads a MADR 2 record: metadata list, status with its successor, links section', () => {
    const { adrs, error } = parseAdrFile(
      '0004-use-socket-io.md',
      fixture('madr-v2.md'),
    );
    expect(error).toBeUndefined();
    expect(adrs).toHaveLength(1);
    expect(adrs[0]).toMatchObject({
      format: 'madr',
      madrVersion: 2,
      number: 4,
      numberWidth: 4,
      title: 'Use Socket.io for real-time updates',
      status: 'superseded',
      date: '2025-05-11',
      deciders: ['Omar Haddad', 'Lena Fischer'],
      supersededBy: [{ number: 5, file: '0005-use-server-sent-events.md' }],
      supersedes: [{ number: 2, file: '0002-poll-for-status.md' }],
    });
    expect(adrs[0].sections.map(s => s.title)).toContain('Decision Drivers');
  });

  it('reads a MADR 3 record from its front matter', () => {
    const [adr] = parseAdrFile(
      '0006-store-files-in-s3.md',
      fixture('madr-v3.md'),
    ).adrs;
    expect(adr).toMatchObject({
      format: 'madr',
      madrVersion: 3,
      number: 6,
      title: 'Store files in S3',
      status: 'accepted',
      date: '2025-05-11',
      deciders: ['Omar Haddad', 'Lena Fischer'],
    });
    expect(adr.body.startsWith('# Store files in S3')).toBe(true);
  });

  it('reads a MADR 4 record: quoted status, decision-makers as a list', () => {
    const [adr] = parseAdrFile(
      '0009-version-in-path.md',
      fixture('madr-v4.md'),
    ).adrs;
    expect(adr).toMatchObject({
      madrVersion: 4,
      status: 'proposed',
      date: '2025-05-12',
      deciders: ['Omar Haddad', 'Noah Kim'],
      // "Supersedes ADR-0003." at the start of a line in More Information
      supersedes: [{ number: 3, text: 'ADR-0003' }],
    });
  });

  it('reads a Nygard record: numbered title, Date line, Status section with both links', () => {
    const [adr] = parseAdrFile(
      '0002-use-postgresql.md',
      fixture('nygard.md'),
    ).adrs;
    expect(adr).toMatchObject({
      format: 'nygard',
      number: 2,
      title: 'Use PostgreSQL',
      status: 'superseded',
      date: '2018-02-13',
      supersededBy: [{ number: 3, file: '0003-use-cockroachdb.md' }],
      supersedes: [{ number: 1, file: '0001-use-mysql.md' }],
    });
  });

  it('reads a record in the decision template, with ADR-prefixed title', () => {
    const [adr] = parseAdrFile(
      '0004-read-adrs.md',
      fixture('template.md'),
    ).adrs;
    expect(adr).toMatchObject({
      format: 'template',
      number: 4,
      title: 'Read ADRs through the URL reader',
      status: 'accepted',
      date: '2026-11-23',
      deciders: ['Platform team'],
      supersedes: [{ number: 2, file: '0002-sqlite-as-embedded-default.md' }],
    });
  });

  it('reads each real decision of a decision-template page and skips the placeholder', () => {
    const { adrs } = parseAdrFile('decisions.md', fixture('template-page.md'));
    expect(adrs.map(a => [a.fragment, a.number, a.title])).toEqual([
      ['decision-2', 2, 'Monolith vs Microservices'],
      ['decision-3', 3, 'Queue for background jobs'],
    ]);
    expect(adrs[0]).toMatchObject({
      format: 'template',
      date: '2024-10-01',
      datePrecision: 'month',
      dateText: 'Oct 2024',
      status: undefined,
    });
    expect(adrs[0].sections.map(s => s.title)).toEqual([
      'Date',
      'Context',
      'Decision',
      'Rationale',
      'Alternatives Considered',
      'Outcome',
    ]);
    expect(adrs[1]).toMatchObject({
      status: 'accepted',
      deciders: ['Luca'],
      date: '2024-11-02',
    });
    expect(adrs[1].body).not.toContain('Pattern: API Design');
  });

  it('gives an error, not an exception, for a file that is not a decision record', () => {
    expect(parseAdrFile('notes.md', '# Notes\n\nJust text.\n')).toEqual({
      file: 'notes.md',
      adrs: [],
      error: expect.stringContaining('not a decision record'),
    });
    expect(parseAdrFile('x.md', 'no heading at all').error).toContain(
      'no title',
    );
    expect(parseAdrFile('x.md', '').error).toContain('no title');
  });

  it('ignores headings and status lines inside code fences', () => {
    const text = [
      '# 1. Record decisions',
      '',
      'Date: 2025-01-02',
      '',
      '## Status',
      '',
      'Accepted',
      '',
      '## Context',
      '',
      '```md',
      '## Rationale',
      'Supersedes [ADR-9](0009-x.md)',
      '```',
      '',
      '## Decision',
      '',
      'x',
      '',
      '## Consequences',
      '',
      'y',
    ].join('\n');
    const [adr] = parseAdrFile('0001-record.md', text).adrs;
    expect(adr.format).toBe('nygard');
    expect(adr.supersedes).toEqual([]);
    expect(adr.sections.map(s => s.title)).not.toContain('Rationale');
  });
});

describe('helpers', () => {
  it('reads the common date forms and refuses impossible ones', () => {
    expect(parseAdrDate('2025-05-10')).toEqual({
      iso: '2025-05-10',
      precision: 'day',
    });
    expect(parseAdrDate('May 10, 2025')?.iso).toBe('2025-05-10');
    expect(parseAdrDate('9 August 2025')?.iso).toBe('2025-08-09');
    expect(parseAdrDate('2025-02-30')).toBeUndefined();
    expect(parseAdrDate('[When decided]')).toBeUndefined();
    expect(parseAdrDate('soon')).toBeUndefined();
  });

  it('numbers files and formats ids', () => {
    expect(numberFromFileName('ADR-004-websocket.md')).toEqual({
      number: 4,
      width: 3,
      prefix: 'ADR-',
    });
    expect(numberFromFileName('0012-x.md')).toEqual({
      number: 12,
      width: 4,
      prefix: '',
    });
    expect(numberFromFileName('README.md')).toBeUndefined();
    expect(formatAdrId(4, 3)).toBe('ADR-004');
    expect(formatAdrId(4, 4)).toBe('ADR-0004');
    expect(formatAdrId(12)).toBe('ADR-012');
  });

  it('finds links and bare references, once each', () => {
    expect(
      extractAdrLinks('[ADR-2](0002-x.md), ADR-003 and [ADR-2](./0002-x.md)'),
    ).toEqual([
      { text: 'ADR-2', file: '0002-x.md', number: 2 },
      { text: 'ADR-003', number: 3 },
    ]);
  });
});
