import { entityAuditTargets } from './entityTargets';

describe('entityAuditTargets', () => {
  it("asks for a capability's ref, uid and flags, which its toggles and approvals target", () => {
    expect(
      entityAuditTargets({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: 'stackpro-messaging',
          uid: 'u-1',
          annotations: {
            'stackportal.io/unleash-project': 'stackpro',
            'stackportal.io/unleash-flags':
              'CAP_MESSAGING_ENABLED, CAP_MESSAGING_VERSION',
          },
        },
      }),
    ).toEqual([
      'component:default/stackpro-messaging',
      'u-1',
      'feature-flag:stackpro/CAP_MESSAGING_ENABLED',
      'feature-flag:stackpro/CAP_MESSAGING_VERSION',
    ]);
  });

  it('asks for the ref alone when the entity names no flag', () => {
    expect(
      entityAuditTargets({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'System',
        metadata: { name: 'auth-stack' },
      }),
    ).toEqual(['system:default/auth-stack']);
  });
});
