import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ResultHighlight,
  SearchDocument,
} from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import {
  AdrSearchDocument,
  isAdrStatus,
} from '@internal/backstage-plugin-adr-common';
import ArchitectureIcon from '@mui/icons-material/Architecture';
import Box from '@mui/material/Box';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { StatusChip } from './StatusChip';

const Highlighted = (props: {
  field: 'title' | 'text';
  text: string;
  highlight?: ResultHighlight;
}) => {
  const excerpt = props.highlight?.fields[props.field];
  return excerpt ? (
    <HighlightedSearchResultText
      text={excerpt}
      preTag={props.highlight!.preTag}
      postTag={props.highlight!.postTag}
    />
  ) : (
    <>{props.text}</>
  );
};

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
    <Box
      data-testid="adr-search-result"
      sx={{ display: 'flex', gap: 2, py: 1.5, alignItems: 'flex-start' }}
    >
      <ArchitectureIcon color="action" sx={{ mt: 0.5 }} aria-hidden />
      <Box sx={{ minWidth: 0 }}>
        <Typography variant="h6" component="div">
          <Link to={adr.location} noTrack>
            <Highlighted
              field="title"
              text={adr.title}
              highlight={props.highlight}
            />
          </Link>
        </Typography>
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
          <Highlighted
            field="text"
            text={adr.text}
            highlight={props.highlight}
          />
        </Typography>
      </Box>
    </Box>
  );
}
