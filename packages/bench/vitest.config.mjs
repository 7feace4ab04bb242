import { vitestConfig } from '../../vitest.shared.mjs';

export default vitestConfig({ layer: process.env.TEST_LAYER ?? 'unit', packageDir: import.meta.dirname });
