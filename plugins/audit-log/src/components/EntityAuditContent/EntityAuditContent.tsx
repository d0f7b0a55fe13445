import { useMemo } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useEntity } from '@backstage/plugin-catalog-react';
import { AuditEventFilter } from '@internal/backstage-plugin-audit-log-common';
import { RequireAuditRead } from '../AuditAccess';
import { AuditEventBrowser } from '../AuditEventBrowser';

/**
 * The "Audit" tab of an entity page: the events whose target is this entity.
 * The tab shows on every entity (a tab's filter cannot ask the permission
 * API), so the refusal for engineers is drawn inside it.
 */
export const EntityAuditContent = () => {
  const { entity } = useEntity();
  const target = stringifyEntityRef(entity);
  const uid = entity.metadata.uid;
  // the catalog's own events name an entity by its uid
  const filter = useMemo<AuditEventFilter>(
    () => ({ target: uid ? [target, uid] : [target] }),
    [target, uid],
  );

  return (
    <RequireAuditRead>
      <InfoCard
        title="Audit events"
        titleTypographyProps={{ component: 'h2' }}
        subheader={`Privileged actions on ${target}, newest first`}
      >
        <AuditEventBrowser
          filter={filter}
          filterKey={target}
          showTarget={false}
          empty={{
            title: 'No audit events for this entity',
            description: `No privileged action has been recorded with ${target} as its target.`,
          }}
        />
      </InfoCard>
    </RequireAuditRead>
  );
};
