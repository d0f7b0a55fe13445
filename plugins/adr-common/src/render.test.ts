import { checkAdrs } from './check';
import { parseAdrFile } from './parse';
import { adrFileName, nextAdrNumber, renderNewAdr, slugify } from './render';

describe('new decisions', () => {
  it('numbers the next decision after the highest, in the location’s naming', () => {
    expect(
      nextAdrNumber(['ADR-001-a.md', 'ADR-009-b.md', 'README.md']),
    ).toEqual({
      number: 10,
      prefix: 'ADR-',
      width: 3,
    });
    expect(nextAdrNumber(['0001-a.md', '0003-b.md'])).toEqual({
      number: 4,
      prefix: '',
      width: 4,
    });
    expect(nextAdrNumber([])).toEqual({ number: 1, prefix: '', width: 4 });
    expect(
      adrFileName(10, 'Use Server-Sent Events (SSE)!', {
        prefix: 'ADR-',
        width: 3,
      }),
    ).toBe('ADR-010-use-server-sent-events-sse.md');
    expect(slugify('Ärger über   Æ')).toBe('arger-uber');
    expect(slugify('!!!')).toBe('decision');
  });

  it('renders a record that the parser reads back and the checks accept', () => {
    const markdown = renderNewAdr({
      number: 10,
      numbering: { prefix: 'ADR-', width: 3 },
      title: 'Use server-sent events',
      status: 'proposed',
      date: '2026-11-23',
      deciders: ['Omar Haddad', 'team-ai'],
      context: 'Socket.io needs sticky sessions.',
      decision: 'Use SSE for status updates.',
      supersedes: ['ADR-004-websocket-implementation.md'],
    });
    const file = 'ADR-010-use-server-sent-events.md';
    const [adr] = parseAdrFile(file, markdown).adrs;
    expect(adr).toMatchObject({
      format: 'template',
      number: 10,
      title: 'Use server-sent events',
      status: 'proposed',
      date: '2026-11-23',
      deciders: ['Omar Haddad', 'team-ai'],
      supersedes: [{ number: 4, file: 'ADR-004-websocket-implementation.md' }],
    });
    const own = checkAdrs([parseAdrFile(file, markdown)]).filter(
      p => p.rule !== 'supersedes' && p.rule !== 'numbering',
    );
    expect(own).toEqual([]);
  });
});
