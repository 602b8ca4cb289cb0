// Public API of facet. Each area exports what users may call from code.
export { runGolden } from './cli/golden.js';
