import { Fragment, useEffect, useState } from 'react';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
  Link,
  MarkdownContent,
  Progress,
  WarningPanel,
} from '@backstage/core-components';
import {
  createFrontendModule,
  identityApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  HomePageLayoutBlueprint,
  HomePageWidgetBlueprint,
} from '@backstage/plugin-home-react/alpha';

const welcome = `
Stack Portal keeps the architecture review of our stacks live: every stack is
a System in the catalog that carries its layer, priority and documentation status.

- **[Stacks](/stacks)**: the review's summary and every stack, filterable by
  domain, layer, priority and documentation status.
- **[Catalog](/catalog)**: stacks, capabilities, APIs and the teams that own them.
- **[Decisions](/decisions)**: the architecture decision records of every entity.

Each stack's page shows its system and user features and its documentation; a
stack without a User Features section is what the review calls incomplete.
`;

/** The templates the catalog holds, each a link to its form on the Create page. */
const Templates = () => {
  const catalogApi = useApi(catalogApiRef);
  const [templates, setTemplates] = useState<Entity[]>();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    let active = true;
    catalogApi
      .getEntities({
        filter: { kind: 'Template' },
        fields: ['metadata.name', 'metadata.namespace', 'metadata.title'],
      })
      .then(
        ({ items }) => active && setTemplates(items),
        e => active && setError(e),
      );
    return () => {
      active = false;
    };
  }, [catalogApi]);
  if (error) {
    return (
      <Typography variant="body2" color="text.secondary">
        The templates could not be listed; see the{' '}
        <Link to="/create">Create</Link> page.
      </Typography>
    );
  }
  if (!templates) return <Progress />;
  if (templates.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        No template is registered yet: the <Link to="/create">Create</Link> page
        lists them once they are.
      </Typography>
    );
  }
  return (
    <Typography variant="body2" component="div" data-testid="home-templates">
      <strong>
        <Link to="/create">Create</Link>
      </strong>{' '}
      from a template:{' '}
      {templates.map((template, index) => (
        <Fragment key={template.metadata.name}>
          {index > 0 && ', '}
          <Link
            to={`/create/templates/${
              template.metadata.namespace ?? 'default'
            }/${template.metadata.name}`}
          >
            {template.metadata.title ?? template.metadata.name}
          </Link>
        </Fragment>
      ))}
      .
    </Typography>
  );
};

/** Kept as `GettingStarted` so existing home layouts still place it. */
const welcomeWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Welcome to Stack Portal',
    description: 'What Stack Portal is and where to start',
    components: async () => ({
      Content: () => (
        <>
          <MarkdownContent content={welcome} />
          <Templates />
        </>
      ),
    }),
  },
});

type OwnedEntities =
  | { state: 'loading' }
  | { state: 'error'; error: Error }
  | { state: 'done'; entities: Entity[] };

/** The catalog entities owned by the signed-in user or their groups. */
const MyEntities = () => {
  const identityApi = useApi(identityApiRef);
  const catalogApi = useApi(catalogApiRef);
  const [owned, setOwned] = useState<OwnedEntities>({ state: 'loading' });

  useEffect(() => {
    let active = true;
    (async () => {
      const { ownershipEntityRefs } = await identityApi.getBackstageIdentity();
      if (ownershipEntityRefs.length === 0) return [];
      const { items } = await catalogApi.getEntities({
        filter: { 'relations.ownedBy': ownershipEntityRefs },
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.title',
        ],
      });
      const title = (e: Entity) => e.metadata.title ?? e.metadata.name;
      return items.sort(
        (a, b) =>
          a.kind.localeCompare(b.kind) || title(a).localeCompare(title(b)),
      );
    })().then(
      entities => {
        if (active) setOwned({ state: 'done', entities });
      },
      error => {
        if (active) setOwned({ state: 'error', error });
      },
    );
    return () => {
      active = false;
    };
  }, [identityApi, catalogApi]);

  if (owned.state === 'loading') {
    return <Progress />;
  }
  if (owned.state === 'error') {
    return (
      <WarningPanel
        severity="error"
        title="Could not load your entities"
        message={owned.error.message}
      />
    );
  }
  if (owned.entities.length === 0) {
    return (
      <Typography variant="body2" color="text.secondary">
        Nothing in the catalog is owned by you or your teams yet.
      </Typography>
    );
  }
  return (
    <List dense aria-label="My entities" disablePadding>
      {owned.entities.map(entity => (
        <ListItem
          key={stringifyEntityRef(entity)}
          disableGutters
          sx={{ gap: 1 }}
        >
          <Chip size="small" variant="outlined" label={entity.kind} />
          <EntityRefLink entityRef={entity}>
            {entity.metadata.title ?? entity.metadata.name}
          </EntityRefLink>
        </ListItem>
      ))}
    </List>
  );
};

const myEntitiesWidget = HomePageWidgetBlueprint.make({
  name: 'my-entities',
  params: {
    name: 'MyEntities',
    title: 'My entities',
    description: 'Catalog entities owned by you or your teams',
    components: async () => ({ Content: MyEntities }),
  },
});

/** A home widget of this module, its body and footer loaded with the page. */
function widget(
  name: string,
  params: { title: string; description: string },
  load: () => Promise<{
    Content: () => JSX.Element;
    Actions?: () => JSX.Element;
  }>,
) {
  return HomePageWidgetBlueprint.make({
    name: name.replace(/[A-Z]/g, (c, i) => `${i ? '-' : ''}${c.toLowerCase()}`),
    params: { name, ...params, components: load },
  });
}

const pendingChangeRequestsWidget = widget(
  'PendingChangeRequests',
  {
    title: 'Pending change requests',
    description: 'Flag changes waiting for a second admin',
  },
  () =>
    import('./AdminWidgets').then(m => ({
      Content: m.PendingChangeRequests,
      Actions: m.PendingChangeRequestsActions,
    })),
);

const liveImpersonationsWidget = widget(
  'LiveImpersonations',
  {
    title: 'Live impersonations',
    description: 'Admins acting as another user right now',
  },
  () =>
    import('./AdminWidgets').then(m => ({
      Content: m.LiveImpersonations,
      Actions: m.LiveImpersonationsActions,
    })),
);

const maintenanceWidget = widget(
  'Maintenance',
  {
    title: 'Maintenance',
    description: 'Whether the portal refuses writes',
  },
  () =>
    import('./AdminWidgets').then(m => ({
      Content: m.Maintenance,
      Actions: m.MaintenanceActions,
    })),
);

const chainStatusWidget = widget(
  'ChainStatus',
  {
    title: 'Audit chain',
    description: "The audit log's hash chain, verified on the server",
  },
  () =>
    import('./ComplianceWidgets').then(m => ({
      Content: m.ChainStatus,
      Actions: m.ChainStatusActions,
    })),
);

const lastExportsWidget = widget(
  'LastExports',
  {
    title: 'Last exports',
    description: 'The latest signed audit exports',
  },
  () =>
    import('./ComplianceWidgets').then(m => ({
      Content: m.LastExports,
      Actions: m.LastExportsActions,
    })),
);

/** `home-page-layout:home/by-role`: each role's default home. */
const roleHomeLayout = HomePageLayoutBlueprint.make({
  name: 'by-role',
  params: {
    loader: () => import('./RoleHomeLayout').then(m => m.RoleHomeLayout),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [
    roleHomeLayout,
    welcomeWidget,
    myEntitiesWidget,
    pendingChangeRequestsWidget,
    liveImpersonationsWidget,
    maintenanceWidget,
    chainStatusWidget,
    lastExportsWidget,
  ],
});
