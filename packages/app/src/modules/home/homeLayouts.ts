/** Who the home page is laid out for. */
export type HomeRole = 'engineer' | 'admin' | 'compliance';

/** One widget's place on the home grid, as `page:home`'s defaultConfig names it. */
export interface HomeLayoutItem {
  /** The widget's component name (`HomePageWidgetBlueprint`'s `name`). */
  component: string;
  column: number;
  row: number;
  width: number;
  height: number;
  movable?: boolean;
  deletable?: boolean;
  resizable?: boolean;
}

/** The grid has this many columns at every width a desk screen has. */
export const HOME_GRID_COLUMNS = 12;

const searchBar: HomeLayoutItem = {
  component: 'HomePageSearchBar',
  column: 0,
  row: 0,
  width: HOME_GRID_COLUMNS,
  height: 2,
  deletable: false,
};

/** Widgets side by side on one row, left to right, with their widths. */
function row(
  at: number,
  height: number,
  widgets: Array<[component: string, width: number]>,
): HomeLayoutItem[] {
  let column = 0;
  return widgets.map(([component, width]) => {
    const item = { component, column, row: at, width, height };
    column += width;
    return item;
  });
}

/**
 * The default home of each role: what that person came to the portal for
 * first, then the review summary. A person who edits their home keeps their
 * own layout.
 */
export const HOME_LAYOUTS: Record<HomeRole, HomeLayoutItem[]> = {
  engineer: [
    searchBar,
    ...row(2, 7, [
      ['MyEntities', 6],
      ['MyTickets', 6],
    ]),
    ...row(9, 8, [
      ['StacksSummary', 7],
      ['GettingStarted', 5],
    ]),
    ...row(17, 5, [['HealthOverview', 12]]),
  ],
  admin: [
    searchBar,
    ...row(2, 6, [
      ['PendingChangeRequests', 5],
      ['LiveImpersonations', 4],
      ['Maintenance', 3],
    ]),
    ...row(8, 8, [
      ['StacksSummary', 7],
      ['MyEntities', 5],
    ]),
    ...row(16, 5, [['HealthOverview', 12]]),
  ],
  compliance: [
    searchBar,
    ...row(2, 6, [
      ['ChainStatus', 6],
      ['LastExports', 6],
    ]),
    ...row(8, 8, [
      ['StacksSummary', 7],
      ['MyEntities', 5],
    ]),
  ],
};

/** Whether every widget fits inside the grid's width (none is pushed down a row). */
export function fitsGrid(layout: HomeLayoutItem[]): boolean {
  return layout.every(
    item =>
      item.column >= 0 &&
      item.width > 0 &&
      item.column + item.width <= HOME_GRID_COLUMNS,
  );
}
