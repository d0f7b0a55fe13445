import { fitsGrid, HOME_GRID_COLUMNS, HOME_LAYOUTS } from './homeLayouts';

describe('HOME_LAYOUTS', () => {
  it.each(Object.entries(HOME_LAYOUTS))(
    "the %s home's widgets fit the grid, so none drops below its neighbour's row",
    (_role, layout) => {
      expect(fitsGrid(layout)).toBe(true);
      // each row is filled to the grid's width, without overlaps
      const rows = new Map<number, number>();
      for (const item of layout) {
        rows.set(item.row, (rows.get(item.row) ?? 0) + item.width);
      }
      expect([...rows.values()].every(w => w === HOME_GRID_COLUMNS)).toBe(true);
    },
  );

  it('gives each role what it came for first', () => {
    const first = (role: keyof typeof HOME_LAYOUTS) =>
      HOME_LAYOUTS[role].filter(item => item.row === 2).map(i => i.component);
    expect(first('engineer')).toEqual(['MyEntities', 'MyTickets']);
    expect(first('admin')).toEqual([
      'PendingChangeRequests',
      'LiveImpersonations',
      'Maintenance',
    ]);
    expect(first('compliance')).toEqual(['ChainStatus', 'LastExports']);
  });

  it('refuses a widget wider than the grid', () => {
    expect(
      fitsGrid([{ component: 'X', column: 7, row: 0, width: 6, height: 1 }]),
    ).toBe(false);
  });
});
