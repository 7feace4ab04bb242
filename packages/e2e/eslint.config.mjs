import { config } from '@order-platform/eslint-config';

// test/child/*.mjs run as plain Node against the built package (a test SIGKILLs them), so
// they are outside the TypeScript project the typed lint rules need.
export default [...config(import.meta.dirname), { ignores: ['test/child/**'] }];
