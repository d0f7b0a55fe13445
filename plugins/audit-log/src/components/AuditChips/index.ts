export { OutcomeChip, SeverityChip } from './AuditChips';
