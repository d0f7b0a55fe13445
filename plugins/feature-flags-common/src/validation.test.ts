import { flagNameProblem, parseCapabilityFlag } from './validation';

describe('flag names', () => {
  it('accepts the names Unleash accepts', () => {
    expect(flagNameProblem('CAP_MESSAGING_ENABLED')).toBeUndefined();
    expect(flagNameProblem('checkout.new-flow_v2~x')).toBeUndefined();
  });

  it('says why Unleash would reject a name', () => {
    expect(flagNameProblem('')).toContain('empty');
    expect(flagNameProblem('has space')).toContain('not URL-friendly');
    expect(flagNameProblem('a/b')).toContain('not URL-friendly');
    expect(flagNameProblem('..')).toContain('not a valid flag name');
    expect(flagNameProblem('x'.repeat(101))).toContain(
      'at most 100 characters',
    );
  });
});

describe('capability flags', () => {
  it('reads the capability and the kind from a CAP_ name', () => {
    expect(parseCapabilityFlag('CAP_DATALAKE_VERSION')).toEqual({
      capability: 'datalake',
      kind: 'VERSION',
    });
    expect(parseCapabilityFlag('CAP_MY_THING_DEGRADED')).toEqual({
      capability: 'my_thing',
      kind: 'DEGRADED',
    });
    expect(parseCapabilityFlag('checkout')).toBeUndefined();
  });
});
