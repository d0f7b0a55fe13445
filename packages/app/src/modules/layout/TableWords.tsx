import GlobalStyles from '@mui/material/GlobalStyles';

/**
 * Table cells (and list items' text, search results among them) wrap between
 * words, never inside one.
 *
 * Backstage's theme gives every table cell `word-break: break-word`, which
 * lets the browser size a column narrower than its longest word and then
 * break names mid-word ("SmartS / tack", "capabilit / y") in the catalog's
 * eight-column table at a desk's width. `overflow-wrap: break-word` still
 * breaks a word that cannot fit at all, but columns are first sized to hold
 * whole words. The element selectors outrank the theme's single class on
 * both MUI v4 and v5 cells.
 */
export const TableWords = () => (
  <GlobalStyles
    styles={{
      'td.MuiTableCell-root, th.MuiTableCell-root': {
        wordBreak: 'normal',
        overflowWrap: 'break-word',
      },
      // the catalog's search results set `word-break: break-all` on their
      // text, which cut "realtime" into "realti / me" beside its highlight
      'li.MuiListItem-root .MuiListItemText-root': {
        wordBreak: 'normal',
        overflowWrap: 'break-word',
      },
    }}
  />
);
