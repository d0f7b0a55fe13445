import { useEffect, useState } from 'react';
import { useApiHolder } from '@backstage/frontend-plugin-api';
import { WriteAccess, writeAccessApiRef, WRITES_ALLOWED } from './writeAccess';

/**
 * Whether the person may write now, following changes (maintenance switched
 * on or off). Without the admin plugin's write access API, writes are allowed.
 */
export function useWriteAccess(): WriteAccess {
  const api = useApiHolder().get(writeAccessApiRef);
  const [access, setAccess] = useState<WriteAccess>(
    () => api?.getWriteAccess() ?? WRITES_ALLOWED,
  );
  useEffect(() => {
    if (!api) return undefined;
    setAccess(api.getWriteAccess());
    return api.watchWriteAccess(setAccess);
  }, [api]);
  return access;
}
