import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { stackEntityCard } from './plugin';
import { integrationStackEntity } from './__testUtils__/fixtures';

describe('stacks plugin', () => {
  it('shows the Stack card on stack Systems only', () => {
    const showsOn = createExtensionTester(stackEntityCard).get(
      EntityCardBlueprint.dataRefs.filterFunction,
    );

    if (!showsOn) throw new Error('the Stack card has no entity filter');

    expect(showsOn(integrationStackEntity)).toBe(true);
    expect(
      showsOn({
        ...integrationStackEntity,
        spec: { ...integrationStackEntity.spec, type: 'product' },
      }),
    ).toBe(false);
    expect(
      showsOn({
        ...integrationStackEntity,
        kind: 'Component',
        spec: { type: 'stack' },
      }),
    ).toBe(false);
  });
});
