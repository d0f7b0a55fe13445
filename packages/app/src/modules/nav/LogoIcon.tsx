import LayersIcon from '@mui/icons-material/Layers';

/** The sidebar's logo when closed. */
export const LogoIcon = () => (
  <LayersIcon
    sx={{ fontSize: 30, color: '#7df3e1' }}
    aria-label="Stack Portal"
  />
);
