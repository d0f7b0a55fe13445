import { stacksPlugin } from './plugin';

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
});
