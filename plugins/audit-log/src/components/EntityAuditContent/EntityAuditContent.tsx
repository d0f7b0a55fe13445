import { useMemo } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { AuditEventFilter } from '@internal/backstage-plugin-audit-log-common';
import { RequireAuditRead } from '../AuditAccess';
import { AuditEventBrowser } from '../AuditEventBrowser';
import { entityAuditTargets } from './entityTargets';

/**
 * The "Audit" tab of an entity page: the events whose target is this entity
 * or one of its feature flags.
 * The tab shows on every entity (a tab's filter cannot ask the permission
 * API), so the refusal for engineers is drawn inside it.
 */
export const EntityAuditContent = () => {
  const { entity } = useEntity();
  const target = stringifyEntityRef(entity);
  const targets = entityAuditTargets(entity);
  const filterKey = targets.join(',');
  const filter = useMemo<AuditEventFilter>(
    () => ({ target: filterKey.split(',') }),
    [filterKey],
  );
  const flags = targets.length - (entity.metadata.uid ? 2 : 1);

  return (
    <RequireAuditRead>
      <InfoCard
        title="Audit events"
        titleTypographyProps={{ component: 'h2' }}
        subheader={
          flags > 0
            ? `Privileged actions on ${target} and its ${flags} feature flags, newest first`
            : `Privileged actions on ${target}, newest first`
        }
      >
        <AuditEventBrowser
          filter={filter}
          filterKey={filterKey}
          showTarget={flags > 0}
          empty={{
            title: 'No audit events for this entity',
            description: `No privileged action has been recorded with ${target} as its target.`,
          }}
        />
      </InfoCard>
    </RequireAuditRead>
  );
};
