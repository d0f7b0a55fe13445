import type { Entity } from '@backstage/catalog-model';
import { validateStackPortalFields } from './fields';

function capability(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'stackpro-messaging',
      labels: { 'stackportal.io/stack': 'communication-stack' },
      annotations: {
        'stackportal.io/unleash-project': 'stackpro',
        'stackportal.io/unleash-flags': 'CAP_MESSAGING_ENABLED',
        'stackportal.io/capability': 'messaging',
        'stackportal.io/health-endpoint': '/v1/health',
        'stackportal.io/cloudwatch-namespace': 'stackpro.capability',
        'stackportal.io/cloudwatch-dimensions': 'capability=messaging',
        'backstage.io/adr-location': 'adr/messaging',
        ...annotations,
      },
    },
    spec: { type: 'capability', owner: 'team-ai', lifecycle: 'experimental' },
  };
}

describe('capability health endpoints', () => {
  it("accepts a path relative to the capability's base URL, or an absolute URL", () => {
    expect(validateStackPortalFields(capability({}))).toEqual([]);
    expect(
      validateStackPortalFields(
        capability({
          'stackportal.io/health-endpoint': 'https://m.example/v1/health',
        }),
      ),
    ).toEqual([]);
  });

  it("refuses a relative path that could leave the capability's host, and a capability that is not a flag name", () => {
    expect(
      validateStackPortalFields(
        capability({ 'stackportal.io/health-endpoint': '//evil.example/h' }),
      ),
    ).toEqual([
      expect.objectContaining({ field: 'stackportal.io/health-endpoint' }),
    ]);
    expect(
      validateStackPortalFields(
        capability({ 'stackportal.io/capability': 'Data-Lake' }),
      ),
    ).toEqual([
      expect.objectContaining({ field: 'stackportal.io/capability' }),
    ]);
  });

  it('requires every capability to name itself', () => {
    const entity = capability({});
    delete entity.metadata.annotations!['stackportal.io/capability'];
    expect(validateStackPortalFields(entity)).toEqual([
      {
        field: 'stackportal.io/capability',
        message: 'required on every capability',
      },
    ]);
  });
});
