import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { entityDecisionsContent } from './plugin';
import { smartstack } from './__testUtils__/fixtures';

describe('adr plugin', () => {
  it('shows the Decisions tab only on entities with an ADR location', () => {
    const showsOn = createExtensionTester(entityDecisionsContent).get(
      EntityContentBlueprint.dataRefs.filterFunction,
    );
    if (!showsOn) throw new Error('the Decisions tab has no entity filter');
    expect(showsOn(smartstack)).toBe(true);
    expect(showsOn({ ...smartstack, metadata: { name: 'plain' } })).toBe(false);
  });
});
