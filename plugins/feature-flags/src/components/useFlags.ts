import { useApi } from '@backstage/frontend-plugin-api';
import { useCallback, useEffect, useState } from 'react';
import type {
  ChangeRequest,
  FlagCapabilities,
  FlagListResponse,
} from '@internal/backstage-plugin-feature-flags-common';
import { featureFlagsApiRef } from '../api';

/** The flags (of one entity, or all), the caller's capabilities and the pending change requests. */
export function useFlags(entityRef?: string) {
  const api = useApi(featureFlagsApiRef);
  const [data, setData] = useState<FlagListResponse>();
  const [capabilities, setCapabilities] = useState<FlagCapabilities>();
  const [pending, setPending] = useState<ChangeRequest[]>([]);
  const [error, setError] = useState<Error>();
  const [loading, setLoading] = useState(true);

  const reload = useCallback(async () => {
    try {
      const [list, caps, requests] = await Promise.all([
        api.listFlags({ entityRef }),
        api.getCapabilities(),
        api.listChangeRequests('pending'),
      ]);
      setData(list);
      setCapabilities(caps);
      setPending(requests);
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    } finally {
      setLoading(false);
    }
  }, [api, entityRef]);

  useEffect(() => {
    reload();
    // degraded data is re-checked every 15 s so the banner goes when Unleash is back
    const timer = setInterval(() => reload(), 15_000);
    return () => clearInterval(timer);
  }, [reload]);

  return { data, capabilities, pending, error, loading, reload };
}
