import { ReactNode, useCallback, useEffect, useState } from 'react';
import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';

/** What the admin console's cards share: loading states, role chips, times. */
export const ROLE_COLOURS: Record<string, 'primary' | 'secondary' | 'default'> =
  {
    admin: 'secondary',
    compliance: 'primary',
  };

export const when = (iso?: string) =>
  iso ? new Date(iso).toLocaleString() : '';

/** What a card shows while loading, after an error, or with its value. */
export interface LoadState<T> {
  value?: T;
  error?: Error;
}

/** Loads something for a card, with loading and error states. */
export function useLoad<T>(load: () => Promise<T>) {
  const [value, setValue] = useState<T>();
  const [error, setError] = useState<Error>();
  const reload = useCallback(() => {
    setError(undefined);
    load().then(setValue, setError);
  }, [load]);
  useEffect(reload, [reload]);
  return { value, error, reload };
}

export function Loaded<T>(props: {
  state: LoadState<T>;
  title: string;
  children(value: T): ReactNode;
}) {
  if (props.state.error) {
    return (
      <ResponseErrorPanel
        title={`Could not load ${props.title}`}
        error={props.state.error}
      />
    );
  }
  if (props.state.value === undefined) {
    return <Progress aria-label={`Loading ${props.title}`} />;
  }
  return <>{props.children(props.state.value)}</>;
}

export const Roles = ({ roles }: { roles: string[] }) => (
  <Stack direction="row" spacing={0.5}>
    {roles.map(role => (
      <Chip
        key={role}
        label={role}
        size="small"
        color={ROLE_COLOURS[role] ?? 'default'}
      />
    ))}
  </Stack>
);
