import {
  DocPart,
  DocStatus,
  Layer,
  LAYER_TITLES,
  Priority,
} from '@internal/backstage-plugin-stacks-common';

export const PRIORITY_LABELS: Record<Priority, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};

export const DOC_STATUS_LABELS: Record<DocStatus, string> = {
  complete: 'Complete',
  incomplete: 'Incomplete',
  missing: 'Missing',
};

/** "L1 Foundation" */
export function layerLabel(layer: Layer): string {
  return `${layer} ${LAYER_TITLES[layer]}`;
}

/** The palette colour of each documentation status, shared by chips and bars. */
export const DOC_STATUS_COLORS = {
  complete: 'success',
  incomplete: 'warning',
  missing: 'error',
} as const satisfies Record<DocStatus, string>;

/** The palette colour of each priority, most urgent loudest. */
export const PRIORITY_COLORS = {
  critical: 'error',
  high: 'warning',
  medium: 'info',
  low: 'default',
} as const satisfies Record<Priority, string>;

/** Short column titles of the coverage matrix. */
export const DOC_PART_SHORT: Record<DocPart, string> = {
  'system-features': 'System features',
  'user-features': 'User features',
  'mermaid-diagrams': 'Diagrams',
  'decision-tables': 'Decision tables',
  'code-examples': 'Code examples',
  'trade-off-analysis': 'Trade-offs',
};
