import { useEffect, useState } from 'react';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import {
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
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';

const welcome = `
Stack Portal keeps the architecture review of our stacks live: every stack is
a System in the catalog that carries its layer, priority and documentation status.

- **[Stacks](/stacks)**: the review's summary and every stack, filterable by
  domain, layer, priority and documentation status.
- **[Catalog](/catalog)**: stacks, capabilities, APIs and the teams that own them.
- **[Create](/create)**: templates for new stacks and capabilities.

Each stack's page shows its system and user features; a stack without a User
Features section is what the review calls incomplete.
`;

/** Kept as `GettingStarted` so existing home layouts still place it. */
const welcomeWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Welcome to Stack Portal',
    description: 'What Stack Portal is and where to start',
    components: async () => ({
      Content: () => <MarkdownContent content={welcome} />,
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

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [welcomeWidget, myEntitiesWidget],
});
