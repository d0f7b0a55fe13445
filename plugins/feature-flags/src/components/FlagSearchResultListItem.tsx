import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ResultHighlight,
  SearchDocument,
} from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import type { FlagSearchDocument } from '@internal/backstage-plugin-feature-flags-common';
import FlagIcon from '@mui/icons-material/Flag';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

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

/**
 * A flag among search results (type `feature-flag`): its name opens its
 * dialog on the Flags page; where it is on, its type and project, and its
 * stacks as links.
 */
export function FlagSearchResultListItem(props: {
  result?: SearchDocument;
  highlight?: ResultHighlight;
  rank?: number;
}) {
  if (!props.result) return null;
  const flag = props.result as FlagSearchDocument;
  const enabledIn = flag.enabledIn ?? [];
  return (
    <Box
      data-testid="flag-search-result"
      sx={{ display: 'flex', gap: 2, py: 1.5, alignItems: 'flex-start' }}
    >
      <FlagIcon color="action" sx={{ mt: 0.5 }} aria-hidden />
      <Box sx={{ minWidth: 0 }}>
        <Typography variant="h6" component="div">
          <Link to={flag.location} noTrack>
            <Highlighted
              field="title"
              text={flag.title}
              highlight={props.highlight}
            />
          </Link>
        </Typography>
        <Typography variant="body2" color="text.secondary" component="div">
          <Highlighted
            field="text"
            text={flag.text}
            highlight={props.highlight}
          />
        </Typography>
        <Stack
          direction="row"
          spacing={1}
          useFlexGap
          flexWrap="wrap"
          alignItems="center"
          sx={{ mt: 1 }}
        >
          <Chip size="small" label="Feature flag" />
          {flag.flagType && <Chip size="small" label={flag.flagType} />}
          <Chip
            size="small"
            color={enabledIn.length ? 'success' : 'default'}
            variant="outlined"
            label={
              enabledIn.length
                ? `on in ${enabledIn.join(', ')}`
                : 'off everywhere'
            }
          />
          {flag.stale && <Chip size="small" color="warning" label="stale" />}
          {(flag.stacks ?? []).map(stack => (
            <Typography key={stack} variant="body2" component="span">
              Stack:{' '}
              <EntityRefLink
                entityRef={{
                  kind: 'system',
                  namespace: 'default',
                  name: stack,
                }}
              />
            </Typography>
          ))}
        </Stack>
      </Box>
    </Box>
  );
}
