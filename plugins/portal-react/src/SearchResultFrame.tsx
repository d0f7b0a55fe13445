import { ReactNode } from 'react';
import { Link } from '@backstage/core-components';
import type { ResultHighlight } from '@backstage/plugin-search-common';
import { HighlightedSearchResultText } from '@backstage/plugin-search-react';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

/** A field of a result as the search engine highlighted it, or as written. */
export const HighlightedField = (props: {
  field: 'title' | 'text';
  text: string;
  highlight?: ResultHighlight;
}) => {
  const { highlight } = props;
  const excerpt = highlight?.fields[props.field];
  return excerpt && highlight ? (
    <HighlightedSearchResultText
      text={excerpt}
      preTag={highlight.preTag}
      postTag={highlight.postTag}
    />
  ) : (
    <>{props.text}</>
  );
};

/**
 * One result of the portal's own search types (decisions, flags): its icon,
 * its title (highlighted) linking to where it opens, then what the type shows.
 */
export const SearchResultFrame = (props: {
  testId: string;
  icon: ReactNode;
  title: string;
  location: string;
  highlight?: ResultHighlight;
  children?: ReactNode;
}) => (
  <Box
    data-testid={props.testId}
    sx={{ display: 'flex', gap: 2, py: 1.5, alignItems: 'flex-start' }}
  >
    {props.icon}
    <Box sx={{ minWidth: 0 }}>
      <Typography variant="h6" component="div">
        <Link to={props.location} noTrack>
          <HighlightedField
            field="title"
            text={props.title}
            highlight={props.highlight}
          />
        </Link>
      </Typography>
      {props.children}
    </Box>
  </Box>
);
