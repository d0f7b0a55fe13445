import { useEffect, useState } from 'react';
import Alert from '@mui/material/Alert';
import Button from '@mui/material/Button';
import LinearProgress from '@mui/material/LinearProgress';
import { parseEntityRef } from '@backstage/catalog-model';
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
import { AdrIndexResponse } from '@internal/backstage-plugin-adr-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { adrApiRef } from '../../api';
import { ProblemList } from '../ProblemList';
import { DecisionsFilters } from './DecisionsFilters';
import { DecisionsTable } from './DecisionsTable';
import { isFilterEmpty, useDecisionsFilter } from './useDecisionsFilter';

/**
 * Every decision record of every entity: searchable by words and filterable
 * by status, stack or system, decider and date range (kept in the URL),
 * newest first, with supersession both ways and the problems the checks
 * found.
 */
export const DecisionsPage = () => {
  const api = useApi(adrApiRef);
  const { filter, filterKey, setFilter, setText, clearFilter } =
    useDecisionsFilter();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getIndex(filter),
    [api, filterKey],
  );
  const [last, setLast] = useState<AdrIndexResponse>();
  useEffect(() => {
    if (value) setLast(value);
  }, [value]);
  const data = value ?? last;
  const filtered = !isFilterEmpty(filter);

  let body;
  if (loading && !data) {
    body = <Progress />;
  } else if (error) {
    body = (
      <>
        <ResponseErrorPanel
          title="Could not load the decisions"
          error={error}
        />
        <Button sx={{ mt: 2 }} variant="outlined" onClick={retry}>
          Retry
        </Button>
      </>
    );
  } else if (data && data.adrs.length === 0) {
    body = filtered ? (
      <EmptyState
        missing="data"
        title={
          filter.q
            ? `No decision matches “${filter.q}”${
                isFilterEmpty({ ...filter, q: undefined })
                  ? ''
                  : ' with these filters'
              }`
            : 'No decision matches these filters'
        }
        description={
          filter.q
            ? 'Try other words, or clear the search and filters to see every decision.'
            : 'Widen the filters or clear them to see every decision.'
        }
        action={
          <Button variant="contained" onClick={clearFilter}>
            Clear filters
          </Button>
        }
      />
    ) : (
      <EmptyState
        missing="content"
        title="No decision records yet"
        description="An entity shows its decisions once it has a backstage.io/adr-location annotation pointing at a folder of ADRs."
      />
    );
  } else if (data) {
    body = (
      <InfoCard noPadding>
        <DecisionsTable adrs={data.adrs} />
      </InfoCard>
    );
  }

  return (
    <Page themeId="tool">
      <Header
        title="Decisions"
        subtitle="Every architecture decision record in the portal: why things are the way they are"
      />
      <Content>
        {data?.degraded && (
          <Alert severity="warning" sx={{ mb: 2 }}>
            Some repositories could not be read just now; their decisions are
            shown as last read.
          </Alert>
        )}
        <DecisionsFilters
          filter={filter}
          facets={data?.facets}
          shown={value?.adrs.length}
          total={data?.total}
          onChange={setFilter}
          onTextChange={setText}
          onClear={clearFilter}
        />
        {loading && data && (
          <LinearProgress aria-label="Loading decisions" sx={{ mb: 1 }} />
        )}
        {body}
        {data && data.problems.length > 0 && (
          <InfoCard
            title="Locations and files that could not be read"
            subheader="Problems of a single decision are marked on its row."
            titleTypographyProps={{ component: 'h2' }}
          >
            <ProblemList
              problems={data.problems}
              label="Location problems"
              prefix={p =>
                p.entityRef ? parseEntityRef(p.entityRef).name : undefined
              }
            />
          </InfoCard>
        )}
      </Content>
    </Page>
  );
};
