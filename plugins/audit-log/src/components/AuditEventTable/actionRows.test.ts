import { AuditEvent } from '@internal/backstage-plugin-audit-log-common';
import { actionRows } from './actionRows';

const event = (
  id: string,
  outcome: AuditEvent['outcome'],
  correlationId = id,
): AuditEvent => ({
  id,
  seq: 0,
  timestamp: '2026-12-01T10:00:00.000Z',
  actor: { type: 'user', ref: 'user:default/amara.okafor' },
  plugin: 'feature-flags',
  action: 'flag-toggle',
  severity: 'medium',
  outcome,
  metaTruncated: false,
  correlationId,
  prevHash: '',
  hash: '',
});

describe('actionRows', () => {
  it('shows an action that succeeded or failed once, with its outcome', () => {
    const rows = actionRows([
      event('d', 'failed', 'c'),
      event('c', 'initiated'),
      event('b', 'succeeded', 'a'),
      event('a', 'initiated'),
    ]);
    expect(
      rows.map(r => [r.event.id, r.event.outcome, r.initiated?.id]),
    ).toEqual([
      ['d', 'failed', 'c'],
      ['b', 'succeeded', 'a'],
    ]);
  });

  it('keeps an action whose outcome is not (yet) in the list as initiated', () => {
    const rows = actionRows([
      event('c', 'initiated'),
      event('b', 'succeeded', 'a'),
    ]);
    expect(rows.map(r => [r.event.id, r.event.outcome, r.initiated])).toEqual([
      ['c', 'initiated', undefined],
      ['b', 'succeeded', undefined],
    ]);
  });
});
