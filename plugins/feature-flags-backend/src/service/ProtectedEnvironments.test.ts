import type { FlagSnapshot } from '../providers/FlagProvider';
import { ProtectedEnvironments } from './ProtectedEnvironments';

const snapshotWith = (...names: string[]): FlagSnapshot => ({
  provider: 'unleash',
  degraded: false,
  ageMs: 0,
  projects: [{ id: 'default', name: 'default' }],
  environments: names.map(name => ({ name, type: 'production' })),
  flags: [],
});

describe('the four-eyes rule of protected environments', () => {
  const rule = ProtectedEnvironments.create(['eu-production', 'production']);

  it('needs a second admin for changes to a protected environment, and for every create and archive', () => {
    expect(rule.needsApproval('toggle', 'production')).toBe(true);
    expect(rule.needsApproval('strategy', 'eu-production')).toBe(true);
    expect(rule.needsApproval('variants', 'staging')).toBe(false);
    expect(rule.needsApproval('toggle')).toBe(false);
    expect(rule.needsApproval('create')).toBe(true);
    expect(rule.needsApproval('archive', 'staging')).toBe(true);

    const none = ProtectedEnvironments.create([]);
    expect(none.needsApproval('create')).toBe(false);
    expect(none.needsApproval('toggle', 'production')).toBe(false);
  });

  it('files a create or archive under the first protected environment the provider has', () => {
    const snapshot = snapshotWith('development', 'production');
    expect(rule.approvalTarget('create', undefined, snapshot)).toBe(
      'production',
    );
    expect(
      rule.approvalTarget('archive', undefined, snapshotWith('development')),
    ).toBe('eu-production');
    expect(rule.approvalTarget('toggle', 'production', snapshot)).toBe(
      'production',
    );
    expect(
      rule.approvalTarget('toggle', 'development', snapshot),
    ).toBeUndefined();
  });

  it('checks a reason only where a second admin reads it, and names why it is needed', () => {
    expect(rule.checkedReason('toggle', 'staging', '  ')).toBeUndefined();
    expect(rule.checkedReason('toggle', 'production', '  launch  ')).toBe(
      'launch',
    );
    expect(() => rule.checkedReason('toggle', 'production', '  ')).toThrow(
      'production is protected: the change needs a second admin): a reason is required: say why this change is needed',
    );
    expect(() => rule.checkedReason('create', undefined, '')).toThrow(
      'the flag reaches a protected environment',
    );
    expect(() =>
      rule.checkedReason('archive', undefined, 'x'.repeat(1001)),
    ).toThrow('a reason has at most 1000 characters');
    expect(() => rule.requireReason('production', undefined)).toThrow(
      'Invalid reason (production is protected: the change needs a second admin): a reason is required',
    );
    expect(rule.requireReason('production', 'launch')).toBe('launch');
  });
});
