import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import List from '@mui/material/List';
import ListItem from '@mui/material/ListItem';
import Typography from '@mui/material/Typography';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InfoCard, Progress, WarningPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  catalogApiRef,
  EntityRefLink,
  useEntity,
} from '@backstage/plugin-catalog-react';
import useAsync from 'react-use/esm/useAsync';
import { groupRelations, RelationGroup, STACK_LABEL } from './relationGroups';

const TITLE_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'metadata.description',
];

/** The stack's members by label: capabilities that name it in `stackportal.io/stack`. */
async function labelledMembers(
  catalogApi: typeof catalogApiRef.T,
  entity: Entity,
): Promise<Entity[]> {
  if (
    entity.kind.toLocaleLowerCase('en-US') !== 'system' ||
    (entity.spec as { type?: string } | undefined)?.type !== 'stack'
  ) {
    return [];
  }
  const { items } = await catalogApi.getEntities({
    filter: { [`metadata.labels.${STACK_LABEL}`]: entity.metadata.name },
    fields: TITLE_FIELDS,
  });
  return items;
}

const Group = ({
  group,
  titles,
}: {
  group: RelationGroup;
  titles: Map<string, Entity>;
}) => (
  <Box component="section" aria-label={group.title} sx={{ mb: 2 }}>
    <Typography variant="subtitle2" component="h3">
      {group.title}
    </Typography>
    <List dense disablePadding>
      {group.refs.map(ref => {
        const target = titles.get(ref);
        return (
          <ListItem
            key={ref}
            disableGutters
            sx={{ gap: 1, alignItems: 'baseline', flexWrap: 'wrap' }}
          >
            <Chip
              size="small"
              variant="outlined"
              label={parseEntityRef(ref).kind}
            />
            <EntityRefLink entityRef={ref} hideIcon>
              {target?.metadata.title ?? parseEntityRef(ref).name}
            </EntityRefLink>
            {target?.metadata.description && (
              <Typography variant="body2" color="text.secondary">
                {target.metadata.description}
              </Typography>
            )}
          </ListItem>
        );
      })}
    </List>
  </Box>
);

/**
 * What the entity is part of, has, provides, consumes and depends on, in one
 * card that shows only relations that hold something. A stack also lists
 * the capabilities that belong to it by their `stackportal.io/stack` label,
 * and a capability links to that stack.
 */
export const EntityRelationsCard = () => {
  const { entity } = useEntity();
  const catalogApi = useApi(catalogApiRef);
  const { value, loading, error } = useAsync(async () => {
    const groups = groupRelations(entity);
    const members = await labelledMembers(catalogApi, entity);
    const stackName = entity.metadata.labels?.[STACK_LABEL];
    if (stackName) {
      groups.unshift({
        title: 'Stack',
        refs: [`system:default/${stackName}`],
      });
    }
    const memberRefs = members.map(member => stringifyEntityRef(member));
    const known = new Set(groups.flatMap(group => group.refs));
    const newMembers = memberRefs.filter(ref => !known.has(ref)).sort();
    if (newMembers.length) {
      groups.push({
        title: `Capabilities (${STACK_LABEL})`,
        refs: newMembers,
      });
    }
    const refs = [...new Set(groups.flatMap(group => group.refs))];
    const { items } = refs.length
      ? await catalogApi.getEntitiesByRefs({
          entityRefs: refs,
          fields: TITLE_FIELDS,
        })
      : { items: [] };
    const titles = new Map<string, Entity>();
    for (const item of [...items, ...members]) {
      if (item) titles.set(stringifyEntityRef(item), item);
    }
    return { groups, titles };
  }, [entity, catalogApi]);

  if (loading) {
    return (
      <InfoCard title="Relations">
        <Progress />
      </InfoCard>
    );
  }
  if (error) {
    return (
      <InfoCard title="Relations">
        <WarningPanel
          severity="error"
          title="Could not load the related entities"
          message={error.message}
        />
      </InfoCard>
    );
  }
  if (!value || value.groups.length === 0) {
    // nothing related: no card at all rather than an empty one
    return null;
  }
  return (
    <InfoCard title="Relations" titleTypographyProps={{ component: 'h2' }}>
      <Box data-testid="entity-relations">
        {value.groups.map(group => (
          <Group key={group.title} group={group} titles={value.titles} />
        ))}
      </Box>
    </InfoCard>
  );
};
