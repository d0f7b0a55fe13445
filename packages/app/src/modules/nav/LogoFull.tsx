import LayersIcon from '@mui/icons-material/Layers';
import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';

/** The sidebar's logo when open: the mark and the product name. */
export const LogoFull = () => (
  <Box display="flex" alignItems="center" gap={1} color="#7df3e1">
    <LayersIcon sx={{ fontSize: 30 }} />
    <Typography
      component="span"
      variant="h6"
      fontWeight={700}
      sx={{ whiteSpace: 'nowrap' }}
    >
      Stack Portal
    </Typography>
  </Box>
);
