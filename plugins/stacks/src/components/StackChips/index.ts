export { DocStatusChip, LayerChip, PriorityChip } from './StackChips';
