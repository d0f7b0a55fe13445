import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { adrPlugin, entityDecisionsContent } from './plugin';
import { smartstack } from './__testUtils__/fixtures';

describe('adr plugin', () => {
  it('provides the API, the Decisions page and the Decisions tab', () => {
    for (const id of [
      'api:adr',
      'page:adr',
      'entity-content:adr/decisions',
    ] as const) {
      expect(adrPlugin.getExtension(id)).toBeDefined();
    }
  });

  it('shows the Decisions tab only on entities with an ADR location', () => {
    const showsOn = createExtensionTester(entityDecisionsContent).get(
      EntityContentBlueprint.dataRefs.filterFunction,
    );
    if (!showsOn) throw new Error('the Decisions tab has no entity filter');
    expect(showsOn(smartstack)).toBe(true);
    expect(showsOn({ ...smartstack, metadata: { name: 'plain' } })).toBe(false);
  });
});
