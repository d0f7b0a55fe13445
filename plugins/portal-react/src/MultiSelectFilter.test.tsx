import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MultiSelectFilter, optionsWithSelected } from './MultiSelectFilter';

const options = [
  { value: 'core', label: 'Core' },
  { value: 'edge', label: 'Edge' },
];

describe('MultiSelectFilter', () => {
  it('reads All when nothing is chosen, and adds a choice', async () => {
    const onChange = jest.fn();
    render(
      <MultiSelectFilter
        testId="page-filter-layer"
        label="Layer"
        options={options}
        selected={[]}
        onChange={onChange}
      />,
    );
    const control = screen.getByTestId('page-filter-layer');
    expect(control).toHaveTextContent('All');
    await userEvent.click(within(control).getByRole('combobox'));
    await userEvent.click(screen.getByRole('option', { name: 'Edge' }));
    expect(onChange).toHaveBeenCalledWith(['edge']);
  });

  it('keeps a selected value that is no option visible and removable', async () => {
    const onChange = jest.fn();
    render(
      <MultiSelectFilter
        testId="page-filter-domain"
        label="Domain"
        options={options}
        selected={['domain:default/gone']}
        labelOf={() => 'gone'}
        onChange={onChange}
      />,
    );
    expect(screen.getByTestId('page-filter-domain')).toHaveTextContent('gone');
    await userEvent.click(
      within(screen.getByTestId('page-filter-domain')).getByRole('combobox'),
    );
    await userEvent.click(screen.getByRole('option', { name: 'gone' }));
    expect(onChange).toHaveBeenCalledWith([]);
  });
});

describe('optionsWithSelected', () => {
  it('adds selected values that are not options, named as written by default', () => {
    expect(optionsWithSelected(options, ['edge', 'x'])).toEqual([
      ...options,
      { value: 'x', label: 'x' },
    ]);
  });
});
