import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DiagramViewer, naturalSize, stepZoom } from './DiagramViewer';

const svg =
  '<svg viewBox="0 0 2400 1200" style="max-width: 2400px"><text>Portal</text></svg>';

describe('DiagramViewer', () => {
  it('reads the natural size from the viewBox and steps through the zoom levels', () => {
    expect(naturalSize(svg)).toEqual({ width: 2400, height: 1200 });
    expect(naturalSize('<svg></svg>')).toBeUndefined();
    expect(stepZoom(0.3, 1)).toBe(0.5);
    expect(stepZoom(1, 1)).toBe(1.25);
    expect(stepZoom(1, -1)).toBe(0.75);
    expect(stepZoom(4, 1)).toBe(4);
    expect(stepZoom(0.5, -1)).toBe(0.5);
  });

  it('fits the width first, zooms in to the natural size and back to fit', async () => {
    render(<DiagramViewer svg={svg} label="Diagram: C4Container" />);
    const diagram = screen.getByTestId('adr-diagram');
    expect(screen.getByTestId('adr-diagram-zoom')).toHaveTextContent('Fit');
    expect(screen.getByRole('button', { name: 'Fit to width' })).toBeDisabled();

    // jsdom's frame has no width: fit counts as 0%, the first step is 50%
    await userEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(screen.getByTestId('adr-diagram-zoom')).toHaveTextContent('50%');
    await userEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    await userEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(screen.getByTestId('adr-diagram-zoom')).toHaveTextContent('100%');
    expect(screen.getByText('Drag to pan')).toBeInTheDocument();
    expect(diagram.querySelector('svg')).not.toBeNull();

    await userEvent.click(screen.getByRole('button', { name: 'Fit to width' }));
    expect(screen.getByTestId('adr-diagram-zoom')).toHaveTextContent('Fit');
  });

  it('opens the diagram full screen and closes it again', async () => {
    render(<DiagramViewer svg={svg} label="Diagram: C4Container" />);
    await userEvent.click(
      screen.getByRole('button', { name: 'Open full screen' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      within(dialog).getByRole('img', {
        name: 'Diagram: C4Container (full screen)',
      }),
    ).toContainHTML('Portal');
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close full screen' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });
});
