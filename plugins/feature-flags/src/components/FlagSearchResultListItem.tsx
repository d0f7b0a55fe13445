import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type {
  ResultHighlight,
  SearchDocument,
} from '@backstage/plugin-search-common';
import type { FlagSearchDocument } from '@internal/backstage-plugin-feature-flags-common';
import {
  HighlightedField,
  SearchResultFrame,
} from '@internal/backstage-plugin-portal-react';
import FlagIcon from '@mui/icons-material/Flag';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';

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
    <SearchResultFrame
      testId="flag-search-result"
      icon={<FlagIcon color="action" sx={{ mt: 0.5 }} aria-hidden />}
      title={flag.title}
      location={flag.location}
      highlight={props.highlight}
    >
      <Typography variant="body2" color="text.secondary" component="div">
        <HighlightedField
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
    </SearchResultFrame>
  );
}
