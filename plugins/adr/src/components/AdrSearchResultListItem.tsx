import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ResultHighlight,
  SearchDocument,
} from '@backstage/plugin-search-common';
import {
  HighlightedField,
  SearchResultFrame,
} from '@internal/backstage-plugin-portal-react';
import {
  AdrSearchDocument,
  isAdrStatus,
} from '@internal/backstage-plugin-adr-common';
import ArchitectureIcon from '@mui/icons-material/Architecture';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { StatusChip } from './StatusChip';

/** Lines of the excerpt a result shows. */
const EXCERPT_LINES = 3;

/**
 * A decision among search results (type `adr`): its title opens it on its
 * entity's Decisions tab; its status, its stacks and its entity as links, its
 * date, and an excerpt of its text.
 */
export function AdrSearchResultListItem(props: {
  result?: SearchDocument;
  highlight?: ResultHighlight;
  rank?: number;
}) {
  if (!props.result) return null;
  const adr = props.result as AdrSearchDocument;
  const stackRefs = adr.stackRefs ?? [];
  return (
    <SearchResultFrame
      testId="adr-search-result"
      icon={<ArchitectureIcon color="action" sx={{ mt: 0.5 }} aria-hidden />}
      title={adr.title}
      location={adr.location}
      highlight={props.highlight}
    >
      <Stack
        direction="row"
        spacing={1.5}
        useFlexGap
        flexWrap="wrap"
        alignItems="center"
        sx={{ my: 0.5 }}
      >
        <StatusChip
          status={isAdrStatus(adr.status) ? adr.status : undefined}
          statusText={adr.statusText}
        />
        {stackRefs.map((ref, i) => (
          <Typography key={ref} variant="body2" component="span">
            Stack:{' '}
            <EntityRefLink entityRef={ref}>
              {adr.stacks?.[i] ?? ref}
            </EntityRefLink>
          </Typography>
        ))}
        {adr.entityRef && !stackRefs.includes(adr.entityRef) && (
          <Typography variant="body2" component="span">
            In{' '}
            <EntityRefLink entityRef={adr.entityRef}>
              {adr.entityTitle ?? adr.entityRef}
            </EntityRefLink>
          </Typography>
        )}
        <Typography variant="body2" color="text.secondary" component="span">
          {adr.date ?? 'undated'}
        </Typography>
      </Stack>
      <Typography
        variant="body2"
        color="text.secondary"
        component="div"
        sx={{
          display: '-webkit-box',
          WebkitBoxOrient: 'vertical',
          WebkitLineClamp: EXCERPT_LINES,
          overflow: 'hidden',
        }}
      >
        <HighlightedField
          field="text"
          text={adr.text}
          highlight={props.highlight}
        />
      </Typography>
    </SearchResultFrame>
  );
}
