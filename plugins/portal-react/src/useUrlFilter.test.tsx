import { act, render, screen } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router-dom';
import {
  isUrlFilterEmpty,
  listParam,
  useUrlFilter,
  withUrlFilter,
} from './useUrlFilter';

interface PageFilter {
  layer?: string[];
  q?: string;
}
const KEYS = ['layer', 'q'] as const;
const parse = (params: URLSearchParams): PageFilter => {
  const filter: PageFilter = {};
  const layer = listParam(params, 'layer').filter(l => l !== 'bogus');
  if (layer.length) filter.layer = layer;
  const q = params.get('q')?.trim();
  if (q) filter.q = q;
  return filter;
};

describe('listParam', () => {
  it('reads repeated and comma-separated values, trimmed, each once', () => {
    const params = new URLSearchParams('layer=a,%20b&layer=b&layer=&layer=c');
    expect(listParam(params, 'layer')).toEqual(['a', 'b', 'c']);
    expect(listParam(params, 'other')).toEqual([]);
  });
});

describe('withUrlFilter', () => {
  it("replaces the filter's parameters and keeps the others", () => {
    const current = new URLSearchParams('layer=a&event=e1&q=old');
    const next = withUrlFilter<PageFilter>(
      current,
      { layer: ['b', 'c'] },
      KEYS,
    );
    expect(next.toString()).toBe('event=e1&layer=b&layer=c');
  });

  it('is empty only when no key holds a value', () => {
    expect(isUrlFilterEmpty<PageFilter>({ layer: [] }, KEYS)).toBe(true);
    expect(isUrlFilterEmpty<PageFilter>({ q: 'x' }, KEYS)).toBe(false);
  });
});

describe('useUrlFilter', () => {
  let api: ReturnType<typeof useUrlFilter<PageFilter>>;
  const Page = () => {
    api = useUrlFilter(parse, KEYS);
    const location = useLocation();
    return <div data-testid="search">{location.search}</div>;
  };
  const renderAt = (url: string) =>
    render(
      <MemoryRouter
        initialEntries={[url]}
        future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
      >
        <Page />
      </MemoryRouter>,
    );

  it('reads the filter from the URL, dropping what parse refuses', () => {
    renderAt('/stacks?layer=core,bogus&q=%20auth%20');
    expect(api.filter).toEqual({ layer: ['core'], q: 'auth' });
  });

  it('writes a new filter to the URL and keeps parameters it does not own', () => {
    renderAt('/stacks?layer=core&view=coverage');
    act(() => api.setFilter({ layer: ['core', 'edge'] }));
    expect(screen.getByTestId('search')).toHaveTextContent(
      '?view=coverage&layer=core&layer=edge',
    );
    expect(api.filter).toEqual({ layer: ['core', 'edge'] });
  });

  it('patches one key against the URL of now, and clears', () => {
    renderAt('/stacks?layer=core');
    const before = api.filterKey;
    act(() => api.patchFilter({ q: 'pay' }));
    expect(api.filter).toEqual({ layer: ['core'], q: 'pay' });
    expect(api.filterKey).not.toBe(before);
    act(() => api.clearFilter());
    expect(screen.getByTestId('search')).toHaveTextContent(/^$/);
    expect(api.filter).toEqual({});
  });
});
