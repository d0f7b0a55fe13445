import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { FlagsView } from './FlagsView';

/** The "Feature flags" tab: the flags the entity's annotations name, with the same toggles and the preview. */
export function EntityFeatureFlagsContent() {
  const { entity } = useEntity();
  return (
    <FlagsView entityRef={stringifyEntityRef(entity)} showFilters={false} />
  );
}
