import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { setupServer } from 'msw/node';
import {
  mockApis,
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { configApiRef } from '@backstage/frontend-plugin-api';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { useLocation } from 'react-router-dom';
import {
  pausedForMaintenance,
  WriteAccess,
  writeAccessApiRef,
  WRITES_ALLOWED,
} from '@internal/backstage-plugin-admin-react';
import { adrApiRef } from '../../api';
import {
  adr2,
  adr4,
  entityAdrs,
  serveEntity,
  smartstack,
  testAdrClient,
} from '../../__testUtils__/fixtures';
import { EntityDecisionsContent } from './EntityDecisionsContent';

const mermaid = { initialize: jest.fn(), render: jest.fn() };
jest.mock('mermaid', () => ({ __esModule: true, default: mermaid }));

const AddressBar = () => {
  const location = useLocation();
  return (
    <output data-testid="address-bar">{`${location.pathname}${location.search}`}</output>
  );
};

describe('EntityDecisionsContent', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  beforeEach(() => {
    mermaid.initialize.mockReset();
    mermaid.render.mockReset();
    mermaid.render.mockImplementation(async (id: string, code: string) => ({
      svg: `<svg id="${id}" onload="window.hacked=true"><script>window.hacked=true</script><text>${
        code.split('\n')[0]
      }</text></svg>`,
    }));
    (window as any).hacked = undefined;
    global.URL.createObjectURL = jest.fn(() => 'blob:adr-image');
    global.URL.revokeObjectURL = jest.fn();
  });

  const renderTab = (
    url = '/catalog/default/system/smartstack/decisions',
    access: WriteAccess = WRITES_ALLOWED,
  ) =>
    renderInTestApp(
      <EntityProvider entity={smartstack}>
        <EntityDecisionsContent />
        <AddressBar />
      </EntityProvider>,
      {
        initialRouteEntries: [url],
        apis: [
          [adrApiRef, testAdrClient()],
          [
            writeAccessApiRef,
            { getWriteAccess: () => access, watchWriteAccess: () => () => {} },
          ],
          [
            configApiRef,
            mockApis.config({
              data: { adr: { newAdrTemplate: 'default/new-adr' } },
            }),
          ],
        ],
      },
    );

  it('lists the decisions with status and date, and lists an unparseable file with its error', async () => {
    serveEntity(server);
    await renderTab();
    const list = await screen.findByRole('list', { name: 'Decisions' });
    const item2 = within(list).getByTestId(`adr-item-${adr2.key}`);
    expect(item2).toHaveTextContent(
      'ADR-002: Push task status over raw WebSocket messages',
    );
    expect(item2).toHaveTextContent('Superseded');
    expect(item2).toHaveTextContent('2025-05-10');
    expect(
      within(list).getByTestId('adr-unreadable-ADR-010-draft.md'),
    ).toHaveTextContent(
      'parse: no title: a decision record starts with a level-1 heading',
    );
    // The problems, each with the file and the rule.
    const problems = screen.getByTestId('adr-problems');
    expect(problems).toHaveTextContent('The checks found 2 problems');
    expect(problems).toHaveTextContent(
      'ADR-004-websocket-implementation.md · unsafe-content: contains a <script> element, which is not rendered',
    );
    expect(screen.getByText(/2 decisions from/)).toHaveTextContent(
      'catalog/smartstack/adr',
    );
  });

  it('opens the record named in the URL, renders its diagram with strict Mermaid, and neutralises its script', async () => {
    const asked = serveEntity(server);
    await renderTab(
      `/catalog/default/system/smartstack/decisions?record=${adr4.key}`,
    );
    const reader = await screen.findByRole('article', {
      name: 'ADR-004: Use Socket.io',
    });
    const diagram = await within(reader).findByTestId('adr-diagram');
    expect(diagram.querySelector('svg')).not.toBeNull();
    expect(diagram.innerHTML).not.toContain('script');
    expect(diagram.innerHTML).not.toContain('onload');
    expect(mermaid.initialize).toHaveBeenCalledWith(
      expect.objectContaining({ securityLevel: 'strict', startOnLoad: false }),
    );
    expect(mermaid.render).toHaveBeenCalledWith(
      expect.any(String),
      expect.stringContaining('C4Component'),
    );
    // The markdown's own script and event handler never run or render.
    expect(reader.querySelector('script')).toBeNull();
    expect(reader.querySelector('[onerror]')).toBeNull();
    expect((window as any).hacked).toBeUndefined();
    // A GFM table renders as a table.
    expect(within(reader).getByRole('table')).toHaveTextContent('Socket.io');
    // Links: other decisions open in the reader; escapes and javascript: are not followed.
    expect(
      within(reader).getByRole('link', { name: 'ADR-002' }),
    ).toHaveAttribute(
      'href',
      `/catalog/default/system/smartstack/decisions?record=${adr2.key}`,
    );
    expect(within(reader).queryByRole('link', { name: 'a trap' })).toBeNull();
    expect(
      within(reader).queryByRole('link', { name: 'the contract' }),
    ).toBeNull();
    expect(
      within(reader).getByRole('link', { name: /^Socket.io/ }),
    ).toHaveAttribute('href', 'https://socket.io');
    // Images: the folder's own through the API, an escaping one not at all.
    expect(
      await within(reader).findByRole('img', { name: 'diagram' }),
    ).toHaveAttribute('src', 'blob:adr-image');
    expect(asked).toContain('asset img/c4.png');
    expect(asked.some(a => a.includes('secret'))).toBe(false);
    expect(within(reader).getByText('[image: escape]')).toBeInTheDocument();
    // The check's warning is shown on the record too.
    expect(
      within(reader).getByRole('list', { name: 'Problems of this decision' }),
    ).toHaveTextContent('unsafe-content');
  });

  it('follows supersession both ways', async () => {
    serveEntity(server);
    await renderTab(
      `/catalog/default/system/smartstack/decisions?record=${adr4.key}`,
    );
    const supersedes = await screen.findByTestId('adr-supersedes');
    await userEvent.click(
      within(supersedes).getByRole('link', { name: /ADR-002/ }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('address-bar')).toHaveTextContent(
        `?record=${adr2.key}`,
      ),
    );
    const reader = await screen.findByRole('article', { name: /ADR-002/ });
    expect(within(reader).getByTestId('adr-superseded-by')).toHaveTextContent(
      'Superseded by ADR-004: Use Socket.io',
    );
    expect(
      await within(reader).findByText('The raw WebSocket decision.'),
    ).toBeInTheDocument();
  });

  it('links "New ADR" to the template with the entity filled in', async () => {
    serveEntity(server);
    await renderTab();
    const button = await screen.findByTestId('adr-new');
    expect(button).toHaveAttribute(
      'href',
      `/create/templates/default/new-adr?formData=${encodeURIComponent(
        JSON.stringify({ entityRef: 'system:default/smartstack' }),
      )}`,
    );
  });

  it('disables "New ADR" with the reason during maintenance', async () => {
    serveEntity(server);
    await renderTab(
      undefined,
      pausedForMaintenance('Database upgrade until 10:00 UTC'),
    );
    const button = await screen.findByTestId('adr-new');
    expect(button).toHaveAttribute('aria-disabled', 'true');
    await userEvent.hover(screen.getByTestId('write-blocked'));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'The portal is in maintenance: writes are paused (Database upgrade until 10:00 UTC)',
    );
  });

  it('shows why a location cannot be read, and an empty folder as "no decisions yet"', async () => {
    serveEntity(server, {
      ...entityAdrs,
      adrs: [],
      problems: [],
      error: {
        rule: 'location',
        severity: 'error',
        message:
          'backstage.io/adr-location "../../etc" leaves the folders the portal may read (catalog)',
      },
    });
    await renderTab();
    expect(await screen.findByTestId('adr-location-error')).toHaveTextContent(
      'The decisions cannot be read: backstage.io/adr-location "../../etc" leaves the folders',
    );
  });

  it('offers to start the first decision where the folder does not exist yet', async () => {
    serveEntity(server, {
      ...entityAdrs,
      adrs: [],
      problems: [],
      error: {
        rule: 'location',
        severity: 'warning',
        message: 'catalog/stackpro/adr/ai does not exist yet',
      },
    });
    await renderTab();
    expect(
      await screen.findByText('No decisions recorded yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('catalog/stackpro/adr/ai does not exist yet'),
    ).toBeInTheDocument();
    expect(screen.getByTestId('adr-new')).toBeInTheDocument();
  });
});
