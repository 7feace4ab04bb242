import { config } from '@order-platform/eslint-config';

export default config(import.meta.dirname);
