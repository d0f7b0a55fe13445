export { CoverageMatrix, differs } from './CoverageMatrix';
