import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The first render of a test file loads the whole page lazily, and the test
// command runs suites in parallel on two cores: give `findBy*` more than the
// default second, and a test more than jest's 5 s.
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(30_000);
