import { useApi } from '@backstage/frontend-plugin-api';
import { useEffect, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { HealthFilter, healthApiRef } from '../api';

const DEFAULT_REFRESH_MS = 30_000;

/** The health list, refreshed at the probe interval. */
export function useHealthList(filter: HealthFilter = {}) {
  const api = useApi(healthApiRef);
  const [tick, setTick] = useState(0);
  const state = useAsyncRetry(
    () => api.list(filter),
    [api, filter.stack, filter.system, filter.owner, tick],
  );
  const interval =
    (state.value?.intervalSeconds ?? 0) * 1000 || DEFAULT_REFRESH_MS;
  useEffect(() => {
    const timer = setInterval(() => setTick(t => t + 1), interval);
    return () => clearInterval(timer);
  }, [interval]);
  return state;
}
