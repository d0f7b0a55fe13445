import { useEffect, useMemo, useState } from 'react';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import Tab from '@mui/material/Tab';
import Tabs from '@mui/material/Tabs';
import {
  Content,
  EmptyState,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  Priority,
  StacksResponse,
} from '@internal/backstage-plugin-stacks-common';
import { useSearchParams } from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { stacksApiRef } from '../../api';
import { CoverageMatrix } from '../CoverageMatrix';
import { StacksSummary } from '../StacksSummary';
import { StacksFilters } from './StacksFilters';
import { StacksList } from './StacksList';
import { isFilterEmpty, useStacksFilter } from './useStacksFilter';

const NoStacks = ({
  filtered,
  onClear,
}: {
  filtered: boolean;
  onClear: () => void;
}) =>
  filtered ? (
    <EmptyState
      missing="data"
      title="No stack matches these filters"
      description="Widen the filters or clear them to see every stack."
      action={
        <Button variant="contained" onClick={onClear}>
          Clear filters
        </Button>
      }
    />
  ) : (
    <EmptyState
      missing="data"
      title="No stacks in the catalog yet"
      description="A stack is a System entity with spec.type: stack; register one and it shows up here."
    />
  );

/**
 * The stacks overview: the review's summary, the filters (kept in the URL)
 * and the matching stacks grouped by domain. All of it comes from one request
 * per filter change.
 */
/** The page's two views, kept in the URL (`?view=coverage`). */
type View = 'stacks' | 'coverage';
const VIEW_PARAM = 'view';

export const StacksPage = () => {
  const stacksApi = useApi(stacksApiRef);
  const { filter, filterKey, setFilter, clearFilter } = useStacksFilter();
  const [params, setParams] = useSearchParams();
  const view: View =
    params.get(VIEW_PARAM) === 'coverage' ? 'coverage' : 'stacks';
  const setView = (next: View) =>
    setParams(
      current => {
        const updated = new URLSearchParams(current);
        if (next === 'stacks') updated.delete(VIEW_PARAM);
        else updated.set(VIEW_PARAM, next);
        return updated;
      },
      { replace: true },
    );
  const togglePriority = (priority: Priority) => {
    const current = filter.priority ?? [];
    setFilter({
      ...filter,
      priority: current.includes(priority)
        ? current.filter(p => p !== priority)
        : [...current, priority],
    });
  };
  const { value, loading, error, retry } = useAsyncRetry(
    () => stacksApi.getStacks(filter),
    // filterKey changes exactly when the filter's content does
    [stacksApi, filterKey],
  );

  // Measured once per visit: the documents, not the filters, decide it.
  const coverage = useAsyncRetry(() => stacksApi.getCoverage(), [stacksApi]);
  const measured = useMemo(
    () =>
      new Map(coverage.value?.stacks.map(stack => [stack.entityRef, stack])),
    [coverage.value],
  );

  // Summary and domain choices stay from the last answer while the next loads
  // or when it fails, so the filters remain usable.
  const [last, setLast] = useState<StacksResponse>();
  useEffect(() => {
    if (value) setLast(value);
  }, [value]);
  const data = value ?? last;
  const filtered = !isFilterEmpty(filter);

  let list;
  if (loading && !value) {
    list = <Progress />;
  } else if (error) {
    list = (
      <>
        <ResponseErrorPanel title="Could not load the stacks" error={error} />
        <Button sx={{ mt: 2, mr: 1 }} variant="outlined" onClick={retry}>
          Retry
        </Button>
        {filtered && (
          <Button sx={{ mt: 2 }} onClick={clearFilter}>
            Clear filters
          </Button>
        )}
      </>
    );
  } else if (!value) {
    list = null;
  } else if (value.stacks.length === 0) {
    list = <NoStacks filtered={filtered} onClear={clearFilter} />;
  } else {
    list = (
      <StacksList
        stacks={value.stacks}
        domains={value.domains}
        coverage={coverage.value ? measured : undefined}
      />
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Stacks"
        subtitle="Every stack's documentation status, ordered as the architecture review ranks them"
      />
      <Content>
        {data && (
          <InfoCard
            title="Architecture review"
            titleTypographyProps={{ component: 'h2' }}
            subheader="Documentation status the catalog declares for every stack, by priority; click a priority to filter by it"
          >
            <StacksSummary
              summary={data.summary}
              selected={filter.priority}
              onSelectPriority={togglePriority}
            />
          </InfoCard>
        )}
        <StacksFilters
          filter={filter}
          domains={data?.domains ?? []}
          shown={value?.stacks.length}
          total={data?.summary.total}
          onChange={setFilter}
          onClear={clearFilter}
        />
        <Tabs
          value={view}
          onChange={(_, next) => setView(next)}
          aria-label="Stacks views"
          sx={{ mb: 2, borderBottom: 1, borderColor: 'divider' }}
        >
          <Tab value="stacks" label="Stacks by domain" />
          <Tab value="coverage" label="Documentation coverage" />
        </Tabs>
        {loading && value && (
          <LinearProgress aria-label="Loading stacks" sx={{ mb: 1 }} />
        )}
        {view === 'stacks' && list}
        {view === 'coverage' && (
          <InfoCard
            title="Documentation coverage"
            titleTypographyProps={{ component: 'h2' }}
            subheader="The six parts the architecture review requires, found in each stack's documentation (stackportal.io/docs-location); follows the filters above"
          >
            {coverage.loading && !coverage.value && <Progress />}
            {coverage.error && (
              <>
                <ResponseErrorPanel
                  title="Could not measure documentation coverage; the list shows the catalog's declared status"
                  error={coverage.error}
                />
                <Button
                  sx={{ mt: 2 }}
                  variant="outlined"
                  onClick={coverage.retry}
                >
                  Retry
                </Button>
              </>
            )}
            {coverage.value && (
              <CoverageMatrix
                coverage={coverage.value}
                visible={
                  value
                    ? new Set(value.stacks.map(s => s.entityRef))
                    : undefined
                }
              />
            )}
          </InfoCard>
        )}
      </Content>
    </Page>
  );
};
