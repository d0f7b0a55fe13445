import { useCallback, useMemo } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Grid from '@mui/material/Grid';
import Typography from '@mui/material/Typography';
import AddIcon from '@mui/icons-material/Add';
import RefreshIcon from '@mui/icons-material/Refresh';
import {
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  EmptyState,
  InfoCard,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  Link as RouterLink,
  useLocation,
  useSearchParams,
} from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { WriteGuard } from '@internal/backstage-plugin-admin-react';
import { adrApiRef } from '../../api';
import { useNewAdrHref } from '../../newAdr';
import { ProblemList } from '../ProblemList';
import { DecisionList } from './DecisionList';
import { DecisionReader } from './DecisionReader';

/**
 * The "Decisions" tab: the entity's decision records with status and date,
 * the selected record rendered (diagrams included), every problem the checks
 * found with its file and rule, and "New ADR".
 */
export const EntityDecisionsContent = () => {
  const { entity } = useEntity();
  const ref = useMemo(() => getCompoundEntityRef(entity), [entity]);
  const entityRef = stringifyEntityRef(entity);
  const api = useApi(adrApiRef);
  const { pathname } = useLocation();
  const [params] = useSearchParams();
  const newAdrHref = useNewAdrHref(entityRef);
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getEntityAdrs(ref),
    [api, entityRef],
  );

  const hrefOf = useCallback(
    (key: string) => `${pathname}?record=${encodeURIComponent(key)}`,
    [pathname],
  );
  const keys = useMemo(() => new Set(value?.adrs.map(a => a.key)), [value]);

  // the template's run writes (a pull request, the catalog): paused with the rest
  const newAdr = (
    <WriteGuard>
      <Button
        variant="contained"
        startIcon={<AddIcon />}
        component={RouterLink}
        to={newAdrHref}
        data-testid="adr-new"
      >
        New ADR
      </Button>
    </WriteGuard>
  );

  if (loading && !value) return <Progress />;
  if (error) {
    return (
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
  }
  if (!value) return null;

  const listed = new Set(value.adrs.map(a => a.file));
  const unreadable = value.problems.filter(p => p.file && !listed.has(p.file));
  const locationProblems = value.problems.filter(p => !p.file);
  const requested = params.get('record');
  const selected = value.adrs.find(a => a.key === requested) ?? value.adrs[0];
  const problemCount = value.problems.length;

  if (value.error && value.error.severity === 'error') {
    return (
      <Alert severity="error" data-testid="adr-location-error">
        The decisions cannot be read: {value.error.message}
      </Alert>
    );
  }
  if (!value.adrs.length && !unreadable.length) {
    return (
      <EmptyState
        missing="content"
        title="No decisions recorded yet"
        description={
          value.error?.message ??
          `There are no decision records in ${
            value.location?.target ?? 'the ADR location'
          } yet. Start the first one.`
        }
        action={newAdr}
      />
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box
          sx={{
            display: 'flex',
            flexWrap: 'wrap',
            gap: 2,
            alignItems: 'center',
          }}
        >
          <Typography
            variant="body2"
            color="text.secondary"
            sx={{ flexGrow: 1 }}
          >
            {value.adrs.length} decisions from{' '}
            <code>{value.location?.target}</code>
            {requested &&
              !value.adrs.some(a => a.key === requested) &&
              ` · ${requested} is not one of them`}
          </Typography>
          <Button
            startIcon={<RefreshIcon />}
            onClick={retry}
            disabled={loading}
          >
            Reload
          </Button>
          {newAdr}
        </Box>
        {value.degraded && (
          <Alert severity="warning" sx={{ mt: 2 }}>
            The repository could not be read just now; these are the decisions
            as last read at {new Date(value.checkedAt).toLocaleString()}.
          </Alert>
        )}
        {problemCount > 0 && (
          <Alert severity="warning" sx={{ mt: 2 }} data-testid="adr-problems">
            The checks found {problemCount}{' '}
            {problemCount === 1 ? 'problem' : 'problems'} in these records.
            <ProblemList
              problems={[
                ...locationProblems,
                ...value.problems.filter(p => p.file),
              ]}
            />
          </Alert>
        )}
      </Grid>
      <Grid item xs={12} md={4}>
        <InfoCard title="Decisions" noPadding>
          <DecisionList
            adrs={value.adrs}
            unreadable={unreadable}
            selected={selected?.key}
            hrefOf={hrefOf}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={8}>
        <InfoCard>
          {selected ? (
            <DecisionReader
              entity={ref}
              summary={selected}
              keys={keys}
              hrefOf={hrefOf}
            />
          ) : (
            <Typography>
              None of the files could be read as a decision; see the problems
              above.
            </Typography>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
};
