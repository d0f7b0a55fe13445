import { render, screen } from '@testing-library/react';
import { TicketSla } from '@internal/backstage-plugin-support-common';
import { formatDuration, SlaChip } from './TicketChips';

const NOW = Date.parse('2026-12-01T10:00:00Z');
const running: TicketSla = {
  policy: 'P2',
  response: { state: 'running', dueAt: '2026-12-01T11:05:00Z' },
  resolution: { state: 'running', dueAt: '2026-12-01T18:00:00Z' },
  paused: false,
  nextBreachAt: '2026-12-01T11:05:00Z',
};

describe('SLA chip', () => {
  it('says how long until the nearest breach', () => {
    render(<SlaChip sla={running} now={NOW} />);
    expect(screen.getByTestId('sla-chip')).toHaveTextContent(
      'Breach in 1 h 5 min',
    );
  });

  it('says a breach, a pause and a met target plainly', () => {
    const { rerender } = render(
      <SlaChip
        sla={{ ...running, response: { state: 'breached' } }}
        now={NOW}
      />,
    );
    expect(screen.getByTestId('sla-chip')).toHaveTextContent('SLA breached');
    rerender(
      <SlaChip
        sla={{ ...running, paused: true, nextBreachAt: undefined }}
        now={NOW}
      />,
    );
    expect(screen.getByTestId('sla-chip')).toHaveTextContent('SLA paused');
    rerender(
      <SlaChip
        sla={{
          ...running,
          response: { state: 'met' },
          resolution: { state: 'met' },
          nextBreachAt: undefined,
        }}
        now={NOW}
      />,
    );
    expect(screen.getByTestId('sla-chip')).toHaveTextContent('SLA met');
  });

  it('formats durations in days, hours and minutes', () => {
    expect(formatDuration(30_000)).toBe('under a minute');
    expect(formatDuration(3 * 60_000)).toBe('3 min');
    expect(formatDuration((2 * 24 + 4) * 3_600_000)).toBe('2 d 4 h');
  });
});
