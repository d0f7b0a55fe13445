import { useCallback } from 'react';
import Alert from '@mui/material/Alert';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { CompoundEntityRef } from '@backstage/catalog-model';
import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import {
  AdrSummary,
  ResolvedAdrLink,
} from '@internal/backstage-plugin-adr-common';
import useAsync from 'react-use/esm/useAsync';
import { adrApiRef } from '../../api';
import { AdrMarkdown } from '../AdrMarkdown';
import { ProblemList } from '../ProblemList';
import { StatusChip } from '../StatusChip';

const METADATA =
  /^\s*[-*]\s+(?:\*\*)?(status|date|deciders|decision-makers|supersedes|superseded by)(?:\*\*)?\s*:/i;

/**
 * The reader shows the title, status, date, deciders and supersession above
 * the text; the record's own level-1 heading and metadata list would repeat them.
 */
export function withoutHeader(markdown: string): string {
  const lines = markdown.replace(/^\s*#\s+[^\n]*\n/, '').split('\n');
  let i = 0;
  while (i < lines.length && (!lines[i].trim() || METADATA.test(lines[i]))) i++;
  return lines.slice(i).join('\n');
}

const FORMAT_LABELS = {
  madr: 'MADR',
  nygard: 'Nygard',
  template: 'Decision template',
} as const;

const Relation = ({
  label,
  links,
  hrefOf,
}: {
  label: string;
  links: ResolvedAdrLink[];
  hrefOf: (key: string) => string;
}) =>
  links.length ? (
    <Typography
      variant="body2"
      component="div"
      data-testid={`adr-${label.toLowerCase().replace(/\s+/g, '-')}`}
    >
      {label}{' '}
      {links.map((link, i) => (
        <span key={link.key ?? link.text}>
          {i > 0 && ', '}
          {link.key ? (
            <Link to={hrefOf(link.key)}>
              {link.text}
              {link.title ? `: ${link.title}` : ''}
            </Link>
          ) : (
            <span title="not a decision in this folder">
              {link.text} (not found)
            </span>
          )}
        </span>
      ))}
    </Typography>
  ) : null;

/** One decision: metadata, supersession both ways, its problems and its rendered markdown. */
export const DecisionReader = ({
  entity,
  summary,
  keys,
  hrefOf,
}: {
  entity: CompoundEntityRef;
  summary: AdrSummary;
  keys: Set<string>;
  hrefOf: (key: string) => string;
}) => {
  const api = useApi(adrApiRef);
  const { value, loading, error } = useAsync(
    () => api.getRecord(entity, summary.key),
    [api, entity.kind, entity.namespace, entity.name, summary.key],
  );
  const recordHref = useCallback(
    (path: string) => (keys.has(path) ? hrefOf(path) : undefined),
    [keys, hrefOf],
  );
  const loadImage = useCallback(
    (path: string) => api.getAsset(entity, path),
    [api, entity],
  );

  return (
    <Box
      component="article"
      aria-label={`${summary.id ?? summary.file}: ${summary.title}`}
    >
      <Typography variant="h5" component="h2" gutterBottom>
        {summary.id ? `${summary.id}: ` : ''}
        {summary.title}
      </Typography>
      <Box
        sx={{
          display: 'flex',
          flexWrap: 'wrap',
          gap: 1,
          alignItems: 'center',
          mb: 1,
        }}
      >
        <StatusChip status={summary.status} statusText={summary.statusText} />
        <Chip
          size="small"
          variant="outlined"
          label={summary.date ? `Decided ${summary.date}` : 'No date'}
        />
        {summary.deciders.length > 0 && (
          <Chip
            size="small"
            variant="outlined"
            label={`Deciders: ${summary.deciders.join(', ')}`}
          />
        )}
        <Chip
          size="small"
          variant="outlined"
          label={`${FORMAT_LABELS[summary.format]}${
            summary.madrVersion ? ` ${summary.madrVersion}` : ''
          } · ${summary.file}`}
        />
      </Box>
      <Relation label="Supersedes" links={summary.supersedes} hrefOf={hrefOf} />
      <Relation
        label="Superseded by"
        links={summary.supersededBy}
        hrefOf={hrefOf}
      />
      {summary.problems.length > 0 && (
        <Alert
          severity={
            summary.problems.some(p => p.severity === 'error')
              ? 'error'
              : 'warning'
          }
          sx={{ my: 2 }}
        >
          Checks of this decision against its template:
          <ProblemList
            problems={summary.problems}
            label="Problems of this decision"
          />
        </Alert>
      )}
      {loading && <Progress />}
      {error && (
        <ResponseErrorPanel title="Could not load the decision" error={error} />
      )}
      {value && (
        <AdrMarkdown
          markdown={withoutHeader(value.markdown)}
          recordHref={recordHref}
          loadImage={loadImage}
        />
      )}
    </Box>
  );
};
