import { useEffect, useMemo } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';
import {
  CompoundEntityRef,
  Entity,
  RELATION_OWNED_BY,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  alertApiRef,
  dialogApiRef,
  useApi,
  useTranslationRef,
} from '@backstage/frontend-plugin-api';
import { useRouteRefParams } from '@backstage/core-plugin-api';
import {
  catalogApiRef,
  entityRouteRef,
  getEntityRelations,
  UnregisterEntityDialog,
  useAsyncEntity,
  useEntityPresentation,
  useEntityRefLink,
  useStarredEntity,
} from '@backstage/plugin-catalog-react';
import {
  catalogReactTranslationRef,
  EntityHeaderLayoutProps,
  useEntityPermission,
} from '@backstage/plugin-catalog-react/alpha';
import { catalogTranslationRef } from '@backstage/plugin-catalog/alpha';
import { catalogEntityDeletePermission } from '@backstage/plugin-catalog-common/alpha';
import {
  Box,
  ButtonIcon,
  Header,
  HeaderMetadataUsers,
  Link,
  Menu,
  MenuItem,
  MenuTrigger,
} from '@backstage/ui';
import {
  RiBugLine,
  RiDeleteBinLine,
  RiFileCopyLine,
  RiMore2Line,
  RiStarFill,
  RiStarLine,
} from '@remixicon/react';

/** What the header needs of the entities it names: owners and parents. */
const NAME_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.profile',
];

type RelatedLabel = 'systemLabel' | 'domainLabel' | 'partOfLabel';

function parentLabel(ref: CompoundEntityRef): RelatedLabel {
  switch (ref.kind.toLocaleLowerCase('en-US')) {
    case 'system':
      return 'systemLabel';
    case 'domain':
      return 'domainLabel';
    default:
      return 'partOfLabel';
  }
}

/** A related entity's title (a user's display name), else its name. */
function titleOf(ref: CompoundEntityRef, related?: Entity): string {
  const profile = related?.spec?.profile as
    | { displayName?: string; picture?: string }
    | undefined;
  return profile?.displayName ?? related?.metadata.title ?? ref.name;
}

/** The owners and parents of the entity, fetched once with their titles. */
function useRelated(entity?: Entity) {
  const catalogApi = useApi(catalogApiRef);
  const owners = useMemo(
    () => (entity ? getEntityRelations(entity, RELATION_OWNED_BY) : []),
    [entity],
  );
  const parents = useMemo(
    () => (entity ? getEntityRelations(entity, RELATION_PART_OF) : []),
    [entity],
  );
  const refs = useMemo(
    () => [...owners, ...parents].map(ref => stringifyEntityRef(ref)),
    [owners, parents],
  );
  const { value } = useAsync(async () => {
    if (refs.length === 0) return new Map<string, Entity>();
    const { items } = await catalogApi.getEntitiesByRefs({
      entityRefs: refs,
      fields: NAME_FIELDS,
    });
    const byRef = new Map<string, Entity>();
    items.forEach((item, i) => item && byRef.set(refs[i], item));
    return byRef;
  }, [catalogApi, refs]);
  const related = (ref: CompoundEntityRef) =>
    value?.get(stringifyEntityRef(ref));
  return { owners, parents, related };
}

function useMetadata(entity?: Entity) {
  const { t } = useTranslationRef(catalogTranslationRef);
  const entityLink = useEntityRefLink();
  const { owners, parents, related } = useRelated(entity);
  if (!entity) return [];
  const metadata = [];
  const lifecycle = entity.spec?.lifecycle?.toString();
  if (lifecycle) {
    metadata.push({
      label: t('entityLabels.lifecycleLabel'),
      value: lifecycle,
    });
  }
  if (owners.length > 0) {
    metadata.push({
      label: t('entityLabels.ownerLabel'),
      value: (
        <HeaderMetadataUsers
          users={owners.map(ref => ({
            name: titleOf(ref, related(ref)),
            src: (related(ref)?.spec?.profile as { picture?: string })?.picture,
            href: entityLink(ref),
          }))}
        />
      ),
    });
  }
  const byLabel = new Map<RelatedLabel, CompoundEntityRef[]>();
  for (const ref of parents) {
    const label = parentLabel(ref);
    byLabel.set(label, [...(byLabel.get(label) ?? []), ref]);
  }
  for (const [label, refs] of byLabel) {
    metadata.push({
      label: t(`entityLabels.${label}`),
      value: (
        <Box as="ul" display="inline" m="0" p="0" style={{ listStyle: 'none' }}>
          {refs.map((ref, index) => (
            <Box as="li" display="inline" key={stringifyEntityRef(ref)}>
              {index > 0 ? ', ' : null}
              <Link href={entityLink(ref)} standalone>
                {titleOf(ref, related(ref))}
              </Link>
            </Box>
          ))}
        </Box>
      ),
    });
  }
  return metadata;
}

function FavoriteButton({ entity }: { entity: Entity }) {
  const { t } = useTranslationRef(catalogReactTranslationRef);
  const { isStarredEntity, toggleStarredEntity } = useStarredEntity(entity);
  return (
    <ButtonIcon
      variant="secondary"
      aria-label={
        isStarredEntity
          ? t('favoriteEntity.removeFromFavorites')
          : t('favoriteEntity.addToFavorites')
      }
      icon={isStarredEntity ? <RiStarFill /> : <RiStarLine />}
      onPress={() => toggleStarredEntity()}
    />
  );
}

/** The catalog's own three entity actions: unregister, inspect, copy the URL. */
function EntityActions({ entity }: { entity: Entity }) {
  const { t } = useTranslationRef(catalogTranslationRef);
  const alertApi = useApi(alertApiRef);
  const dialogApi = useApi(dialogApiRef);
  const navigate = useNavigate();
  const [, setSearchParams] = useSearchParams();
  const [copied, copy] = useCopyToClipboard();
  const unregister = useEntityPermission(catalogEntityDeletePermission);
  useEffect(() => {
    if (!copied.error && copied.value) {
      alertApi.post({
        message: t('entityContextMenu.copiedMessage'),
        severity: 'info',
        display: 'transient',
      });
    }
  }, [copied, alertApi, t]);
  return (
    <MenuTrigger>
      <ButtonIcon
        variant="secondary"
        icon={<RiMore2Line />}
        aria-label={t('entityContextMenu.moreButtonAriaLabel')}
      />
      <Menu placement="bottom end">
        <MenuItem
          iconStart={<RiDeleteBinLine size={16} />}
          isDisabled={!unregister.allowed}
          onAction={() =>
            dialogApi.open(({ dialog }) => (
              <UnregisterEntityDialog
                open
                entity={entity}
                onClose={() => dialog.close()}
                onConfirm={() => {
                  dialog.close();
                  navigate('/catalog');
                }}
              />
            ))
          }
        >
          {t('entityContextMenu.unregisterMenuTitle')}
        </MenuItem>
        <MenuItem
          iconStart={<RiBugLine size={16} />}
          onAction={() => setSearchParams('inspect')}
        >
          {t('entityContextMenu.inspectMenuTitle')}
        </MenuItem>
        <MenuItem
          iconStart={<RiFileCopyLine size={16} />}
          onAction={() => copy(window.location.toString())}
        >
          {t('entityContextMenu.copyURLMenuTitle')}
        </MenuItem>
      </Menu>
    </MenuTrigger>
  );
}

/**
 * The entity page's header: the catalog's own, except that it names the
 * entity's owners and parents by their titles ("System: StackPro"), not by
 * their slugs ("System: stackpro"). The title is the entity's title (or a
 * user's display name), with its kind and type as tags.
 */
export function EntityPageHeader(props: EntityHeaderLayoutProps) {
  const { entity } = useAsyncEntity();
  const routeParams = useRouteRefParams(entityRouteRef);
  const presentation = useEntityPresentation(entity ?? routeParams);
  const metadata = useMetadata(entity);
  const type = entity?.spec?.type?.toString();
  return (
    <Header
      title={presentation.primaryTitle}
      tags={[
        { label: entity?.kind ?? routeParams.kind },
        ...(type ? [{ label: type }] : []),
      ]}
      metadata={metadata}
      tabs={entity ? props.tabs : undefined}
      activeTabId={props.activeTabId}
      customActions={
        entity ? (
          <>
            <FavoriteButton entity={entity} />
            <EntityActions entity={entity} />
          </>
        ) : undefined
      }
    />
  );
}
