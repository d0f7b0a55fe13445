import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { SearchResultListItemBlueprint } from '@backstage/plugin-search-react/alpha';
import type { FlagSearchDocument } from '@internal/backstage-plugin-feature-flags-common';
import { flagSearchResultListItem } from '../plugin';
import { FlagSearchResultListItem } from './FlagSearchResultListItem';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

const messaging: FlagSearchDocument = {
  title: 'CAP_MESSAGING_ENABLED',
  text: 'Turns messaging on. release flag in project stackpro, on in development; off in staging, production.',
  location: '/feature-flags?flag=stackpro%2FCAP_MESSAGING_ENABLED',
  project: 'stackpro',
  name: 'CAP_MESSAGING_ENABLED',
  flagType: 'release',
  stale: false,
  enabledIn: ['development'],
  entityRefs: ['component:default/stackpro-messaging'],
  stacks: ['communication-stack'],
};

describe('a flag among search results', () => {
  it('is drawn by the flags item, and only flags are', () => {
    const { predicate } = createExtensionTester(flagSearchResultListItem).get(
      SearchResultListItemBlueprint.dataRefs.item,
    );
    expect(predicate!({ type: 'feature-flag', document: messaging })).toBe(
      true,
    );
    expect(predicate!({ type: 'adr', document: messaging })).toBe(false);
    expect(predicate!({ type: 'software-catalog', document: messaging })).toBe(
      false,
    );
  });

  it("opens the flag's dialog, says where it is on and links its stack", async () => {
    await renderInTestApp(
      <FlagSearchResultListItem
        result={messaging}
        highlight={{
          preTag: '<m>',
          postTag: '</m>',
          fields: { text: 'Turns <m>messaging</m> on.' },
        }}
      />,
      { mountedRoutes },
    );
    expect(
      screen.getByRole('link', { name: 'CAP_MESSAGING_ENABLED' }),
    ).toHaveAttribute(
      'href',
      '/feature-flags?flag=stackpro%2FCAP_MESSAGING_ENABLED',
    );
    // the highlighted excerpt replaces the plain text
    expect(screen.getByText('messaging').tagName).toBe('MARK');
    expect(screen.queryByText(/off in staging/)).not.toBeInTheDocument();
    expect(screen.getByText('on in development')).toBeInTheDocument();
    expect(screen.getByText('release')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'communication-stack' }),
    ).toHaveAttribute('href', '/catalog/default/system/communication-stack');
  });

  it('says when a flag is off everywhere', async () => {
    const off: FlagSearchDocument = { ...messaging, enabledIn: [] };
    await renderInTestApp(<FlagSearchResultListItem result={off} />, {
      mountedRoutes,
    });
    expect(screen.getByText('off everywhere')).toBeInTheDocument();
  });
});
