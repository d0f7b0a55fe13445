import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The first render of a test file loads the whole page lazily; give
// `findBy*` more than the default second before it gives up.
configure({ asyncUtilTimeout: 5000 });
jest.setTimeout(30_000);
