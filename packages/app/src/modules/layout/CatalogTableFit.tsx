import GlobalStyles from '@mui/material/GlobalStyles';

/**
 * The catalog's own page (the grid that holds its Owned / Starred / All
 * picker and its table): the table's cells get narrower side padding, so
 * that its eight columns, Actions included, fit the card at a 1440 px desk
 * with the sidebar. With whole words in every cell (`TableWords`) the table
 * was 36 px wider than its card and its Actions column scrolled out of
 * sight. The Actions cell keeps the padding the table gives it.
 */
const CATALOG_TABLE_SELECTOR =
  '.MuiGrid-container:has([data-testid="user-picker-all"])';

/** Side padding of the catalog table's cells (the theme gives 20 px and 16 px). */
const CELL_PADDING_LEFT = '12px';
const CELL_PADDING_RIGHT = '8px';

export const CatalogTableFit = () => (
  <GlobalStyles
    styles={{
      [`${CATALOG_TABLE_SELECTOR} td.MuiTableCell-root, ${CATALOG_TABLE_SELECTOR} th.MuiTableCell-root`]:
        {
          paddingLeft: CELL_PADDING_LEFT,
          paddingRight: CELL_PADDING_RIGHT,
        },
    }}
  />
);
