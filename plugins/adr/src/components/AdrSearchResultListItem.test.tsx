import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  SearchFilterResultTypeBlueprint,
  SearchResultListItemBlueprint,
} from '@backstage/plugin-search-react/alpha';
import type { AdrSearchDocument } from '@internal/backstage-plugin-adr-common';
import { adrSearchResultListItem, adrSearchResultType } from '../plugin';
import { AdrSearchResultListItem } from './AdrSearchResultListItem';

const mountedRoutes = { '/catalog/:namespace/:kind/:name': entityRouteRef };

const versioning: AdrSearchDocument = {
  title: 'ADR-0002: Version the API in the path',
  text: 'StackPro Messaging, Communication Stack, accepted, 2025-06-02. Clients pin a version.',
  location:
    '/catalog/default/component/stackpro-messaging/decisions?record=0002-version-api.md',
  entityRef: 'component:default/stackpro-messaging',
  entityTitle: 'StackPro Messaging',
  status: 'accepted',
  date: '2025-06-02',
  id: 'ADR-0002',
  stackRefs: ['system:default/communication-stack'],
  stacks: ['Communication Stack'],
};

describe('a decision among search results', () => {
  it('is its own result type, drawn by the decisions item', () => {
    expect(
      createExtensionTester(adrSearchResultType).get(
        SearchFilterResultTypeBlueprint.dataRefs.resultType,
      ),
    ).toMatchObject({ value: 'adr', name: 'Decisions' });
    const { predicate } = createExtensionTester(adrSearchResultListItem).get(
      SearchResultListItemBlueprint.dataRefs.item,
    );
    expect(predicate!({ type: 'adr', document: versioning })).toBe(true);
    expect(predicate!({ type: 'software-catalog', document: versioning })).toBe(
      false,
    );
  });

  it('shows its title, status, stack and entity, each a link', async () => {
    await renderInTestApp(<AdrSearchResultListItem result={versioning} />, {
      mountedRoutes,
    });
    expect(
      screen.getByRole('link', {
        name: 'ADR-0002: Version the API in the path',
      }),
    ).toHaveAttribute('href', versioning.location);
    expect(screen.getByText('Accepted')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Communication Stack' }),
    ).toHaveAttribute('href', '/catalog/default/system/communication-stack');
    expect(
      screen.getByRole('link', { name: 'StackPro Messaging' }),
    ).toHaveAttribute('href', '/catalog/default/component/stackpro-messaging');
    expect(screen.getByText('2025-06-02')).toBeInTheDocument();
    expect(screen.getByText(/Clients pin a version/)).toBeInTheDocument();
  });

  it('shows a status it cannot read as written, and no stack when it has none', async () => {
    const unread: AdrSearchDocument = {
      ...versioning,
      status: undefined,
      statusText: 'maybe',
      stackRefs: [],
      stacks: [],
      date: undefined,
    };
    await renderInTestApp(<AdrSearchResultListItem result={unread} />, {
      mountedRoutes,
    });
    expect(screen.getByText('Status? "maybe"')).toBeInTheDocument();
    expect(screen.queryByText(/Stack:/)).not.toBeInTheDocument();
    expect(screen.getByText('undated')).toBeInTheDocument();
  });
});
