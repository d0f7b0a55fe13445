import { Entity } from '@backstage/catalog-model';
import { StackPortalFieldsProcessor } from './StackPortalFieldsProcessor';

const stack = (labels: Record<string, string>): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: {
    name: 'auth-stack',
    labels,
    annotations: { 'stackportal.io/system-features': 'Identity' },
  },
  spec: {
    type: 'stack',
    owner: 'team-identity',
    domain: 'core-infrastructure',
  },
});

describe('StackPortalFieldsProcessor', () => {
  const processor = new StackPortalFieldsProcessor();

  it('passes a stack with known values', async () => {
    const entity = stack({
      'stackportal.io/layer': 'L5',
      'stackportal.io/priority': 'low',
      'stackportal.io/doc-status': 'complete',
    });
    await expect(processor.preProcessEntity(entity)).resolves.toBe(entity);
  });

  it('refuses an unknown value, naming the entity and the field', async () => {
    await expect(
      processor.preProcessEntity(
        stack({
          'stackportal.io/layer': 'L9',
          'stackportal.io/priority': 'low',
          'stackportal.io/doc-status': 'complete',
        }),
      ),
    ).rejects.toThrow(
      'system:default/auth-stack: stackportal.io/layer: "L9" is not allowed; expected L1, L2, L3, L4, L5, L6, L7',
    );
  });

  it('refuses a stack without its required labels', async () => {
    await expect(processor.preProcessEntity(stack({}))).rejects.toThrow(
      'stackportal.io/priority: required on every stack',
    );
  });
});
