export { StackCard } from './StackCard';
