import { PointerEvent, useRef, useState } from 'react';
import Box from '@mui/material/Box';
import Dialog from '@mui/material/Dialog';
import DialogContent from '@mui/material/DialogContent';
import DialogTitle from '@mui/material/DialogTitle';
import IconButton from '@mui/material/IconButton';
import Tooltip from '@mui/material/Tooltip';
import Typography from '@mui/material/Typography';
import CloseIcon from '@mui/icons-material/Close';
import FitScreenIcon from '@mui/icons-material/FitScreen';
import FullscreenIcon from '@mui/icons-material/Fullscreen';
import ZoomInIcon from '@mui/icons-material/ZoomIn';
import ZoomOutIcon from '@mui/icons-material/ZoomOut';

/** Zoom steps, as a share of the diagram's natural size. */
export const ZOOM_STEPS = [0.5, 0.75, 1, 1.25, 1.5, 2, 3, 4];

/** The diagram's natural width and height, from its SVG's viewBox. */
export function naturalSize(
  svg: string,
): { width: number; height: number } | undefined {
  const match =
    /viewBox="\s*[-\d.]+[\s,]+[-\d.]+[\s,]+([\d.]+)[\s,]+([\d.]+)\s*"/i.exec(
      svg,
    );
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** The next zoom step up or down from `zoom`. */
export function stepZoom(zoom: number, direction: 1 | -1): number {
  if (direction > 0) {
    return (
      ZOOM_STEPS.find(step => step > zoom + 1e-6) ??
      ZOOM_STEPS[ZOOM_STEPS.length - 1]
    );
  }
  return (
    [...ZOOM_STEPS].reverse().find(step => step < zoom - 1e-6) ?? ZOOM_STEPS[0]
  );
}

/**
 * A diagram that fits the width it is given, and can be zoomed (buttons, or
 * Ctrl + wheel), panned by dragging once larger than its frame, and opened
 * full screen. `zoom` undefined means "fit to width".
 */
const Viewer = ({
  svg,
  label,
  maxHeight,
  onFullScreen,
}: {
  svg: string;
  label: string;
  maxHeight?: string | number;
  onFullScreen?: () => void;
}) => {
  const frame = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; left: number; top: number }>();
  const [zoom, setZoom] = useState<number | undefined>(undefined);
  const natural = naturalSize(svg);
  const zoomBy = (direction: 1 | -1) => {
    // from "fit", step from the scale the diagram is shown at now
    const fit =
      natural && frame.current ? frame.current.clientWidth / natural.width : 1;
    setZoom(stepZoom(zoom ?? fit, direction));
  };

  const onPointerDown = (event: PointerEvent<HTMLDivElement>) => {
    const el = frame.current;
    if (!el || zoom === undefined) return;
    drag.current = {
      x: event.clientX,
      y: event.clientY,
      left: el.scrollLeft,
      top: el.scrollTop,
    };
    el.setPointerCapture?.(event.pointerId);
  };
  const onPointerMove = (event: PointerEvent<HTMLDivElement>) => {
    const el = frame.current;
    if (!el || !drag.current) return;
    el.scrollLeft = drag.current.left - (event.clientX - drag.current.x);
    el.scrollTop = drag.current.top - (event.clientY - drag.current.y);
  };
  const endDrag = () => {
    drag.current = undefined;
  };

  const width =
    zoom === undefined || !natural
      ? '100%'
      : `${Math.round(natural.width * zoom)}px`;

  return (
    <Box sx={{ my: 2 }}>
      <Box
        role="toolbar"
        aria-label={`${label}: zoom`}
        sx={{ display: 'flex', alignItems: 'center', gap: 0.5, mb: 0.5 }}
      >
        <Tooltip title="Zoom out">
          <IconButton
            size="small"
            aria-label="Zoom out"
            onClick={() => zoomBy(-1)}
          >
            <ZoomOutIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        <Typography
          variant="caption"
          sx={{ minWidth: 44, textAlign: 'center' }}
          data-testid="adr-diagram-zoom"
        >
          {zoom === undefined ? 'Fit' : `${Math.round(zoom * 100)}%`}
        </Typography>
        <Tooltip title="Zoom in">
          <IconButton
            size="small"
            aria-label="Zoom in"
            onClick={() => zoomBy(1)}
          >
            <ZoomInIcon fontSize="small" />
          </IconButton>
        </Tooltip>
        <Tooltip title="Fit to width">
          <span>
            <IconButton
              size="small"
              aria-label="Fit to width"
              disabled={zoom === undefined}
              onClick={() => setZoom(undefined)}
            >
              <FitScreenIcon fontSize="small" />
            </IconButton>
          </span>
        </Tooltip>
        {onFullScreen && (
          <Tooltip title="Open full screen">
            <IconButton
              size="small"
              aria-label="Open full screen"
              onClick={onFullScreen}
            >
              <FullscreenIcon fontSize="small" />
            </IconButton>
          </Tooltip>
        )}
        {zoom !== undefined && (
          <Typography variant="caption" color="text.secondary" sx={{ ml: 1 }}>
            Drag to pan
          </Typography>
        )}
      </Box>
      <Box
        ref={frame}
        role="img"
        aria-label={label}
        data-testid="adr-diagram"
        onPointerDown={onPointerDown}
        onPointerMove={onPointerMove}
        onPointerUp={endDrag}
        onPointerCancel={endDrag}
        onWheel={event => {
          if (!event.ctrlKey) return;
          event.preventDefault();
          zoomBy(event.deltaY < 0 ? 1 : -1);
        }}
        sx={{
          overflow: 'auto',
          maxHeight,
          border: 1,
          borderColor: 'divider',
          borderRadius: 1,
          p: 1,
          cursor: zoom === undefined ? 'default' : 'grab',
          userSelect: zoom === undefined ? 'auto' : 'none',
          '& svg': {
            width: `${width} !important`,
            maxWidth:
              zoom === undefined ? '100% !important' : 'none !important',
            height: 'auto',
            display: 'block',
          },
        }}
        // The SVG comes from Mermaid's strict mode and is cleaned before it gets here.
        dangerouslySetInnerHTML={{ __html: svg }}
      />
    </Box>
  );
};

/** A rendered diagram in the page, with its full-screen view. */
export const DiagramViewer = ({
  svg,
  label,
}: {
  svg: string;
  label: string;
}) => {
  const [full, setFull] = useState(false);
  return (
    <>
      <Viewer
        svg={svg}
        label={label}
        maxHeight="80vh"
        onFullScreen={() => setFull(true)}
      />
      <Dialog
        fullScreen
        open={full}
        onClose={() => setFull(false)}
        aria-label={label}
      >
        <DialogTitle sx={{ display: 'flex', alignItems: 'center', gap: 1 }}>
          <Typography variant="h6" component="span" sx={{ flexGrow: 1 }}>
            {label}
          </Typography>
          <IconButton
            aria-label="Close full screen"
            onClick={() => setFull(false)}
          >
            <CloseIcon />
          </IconButton>
        </DialogTitle>
        <DialogContent>
          {full && <Viewer svg={svg} label={`${label} (full screen)`} />}
        </DialogContent>
      </Dialog>
    </>
  );
};
