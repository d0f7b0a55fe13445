import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { stackEntityCard, stacksPlugin } from './plugin';
import { integrationStackEntity } from './__testUtils__/fixtures';

describe('stacks plugin', () => {
  it('provides the extensions the app config places by id', () => {
    for (const id of [
      'api:stacks',
      'page:stacks',
      'entity-card:stacks/stack',
      'home-page-widget:stacks/summary',
    ] as const) {
      expect(stacksPlugin.getExtension(id)).toBeDefined();
    }
  });

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
