import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';

/** A page's filter: each key a URL query parameter, holding a list or one value. */
export type UrlFilter<F> = {
  [K in keyof F]: readonly string[] | string | undefined;
};

/**
 * The values of a query parameter that may be repeated or comma-separated
 * (`?layer=a&layer=b`, `?layer=a,b`): trimmed, without empty ones, each once.
 */
export function listParam(params: URLSearchParams, key: string): string[] {
  return [
    ...new Set(
      params
        .getAll(key)
        .flatMap(value => value.split(','))
        .map(value => value.trim())
        .filter(Boolean),
    ),
  ];
}

/** True when no key of `keys` holds a value. */
export function isUrlFilterEmpty<F extends UrlFilter<F>>(
  filter: F,
  keys: readonly (keyof F & string)[],
): boolean {
  return keys.every(key => {
    const value = filter[key];
    return Array.isArray(value) ? value.length === 0 : !value;
  });
}

/** `current` with `filter` in place of the parameters `keys`; other parameters kept. */
export function withUrlFilter<F extends UrlFilter<F>>(
  current: URLSearchParams,
  filter: F,
  keys: readonly (keyof F & string)[],
): URLSearchParams {
  const params = new URLSearchParams(current);
  for (const key of keys) {
    params.delete(key);
    const value: readonly string[] | string | undefined = filter[key];
    const items: readonly (string | undefined)[] =
      typeof value === 'string' || value === undefined ? [value] : value;
    for (const item of items) {
      if (item) params.append(key, item);
    }
  }
  return params;
}

/**
 * A page's filters kept in the URL, with the backend's parameter names, so
 * that a filtered view can be shared and reloaded. `parse` reads them from the
 * query string (dropping what cannot be valid); `keys` are the parameters it
 * owns. Setting a filter replaces the history entry, as typing in a field does.
 *
 * `filterKey` changes exactly when the filter does: a dependency for loading.
 * `patchFilter` changes some keys and keeps the others as the URL has them
 * now, not as they were when a change began (a text field that applies after
 * a pause).
 */
export function useUrlFilter<F extends UrlFilter<F>>(
  parse: (params: URLSearchParams) => F,
  keys: readonly (keyof F & string)[],
) {
  const [searchParams, setSearchParams] = useSearchParams();
  const filterKey = JSON.stringify(parse(searchParams));
  const filter = useMemo(() => JSON.parse(filterKey) as F, [filterKey]);
  // the keys are a constant of the page; their contents decide
  const keysKey = keys.join(',');

  const setFilter = useCallback(
    (next: F) =>
      setSearchParams(current => withUrlFilter(current, next, keys), {
        replace: true,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [setSearchParams, keysKey],
  );
  const patchFilter = useCallback(
    (patch: Partial<F>) =>
      setSearchParams(
        current =>
          withUrlFilter(current, { ...parse(current), ...patch }, keys),
        { replace: true },
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [setSearchParams, parse, keysKey],
  );
  const clearFilter = useCallback(() => setFilter({} as F), [setFilter]);

  return { filter, filterKey, setFilter, patchFilter, clearFilter };
}
