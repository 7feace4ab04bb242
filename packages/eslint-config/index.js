// Shared flat config: type-aware TypeScript rules, with formatting left to Prettier.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

/** @param {string} tsconfigRootDir the package directory (import.meta.dirname) */
export function config(tsconfigRootDir) {
  return tseslint.config(
    { ignores: ['dist/**', 'coverage/**', 'src/generated/**', '*.config.*'] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: { parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir } },
      rules: {
        '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
        '@typescript-eslint/consistent-type-imports': [
          'error',
          { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
        ],
        '@typescript-eslint/no-floating-promises': 'error',
        'no-console': 'error',
      },
    },
    {
      // NestJS injects by constructor parameter types, so a type-only import would erase
      // the runtime token the DI container needs.
      files: [
        '**/*.module.ts',
        '**/*.controller.ts',
        '**/*.service.ts',
        '**/*.handler.ts',
        '**/*.provider.ts',
        '**/health/*.ts',
      ],
      rules: { '@typescript-eslint/consistent-type-imports': 'off' },
    },
    {
      files: ['**/*.spec.ts', 'test/**/*.ts'],
      rules: {
        '@typescript-eslint/no-non-null-assertion': 'off',
        '@typescript-eslint/unbound-method': 'off',
      },
    },
    prettier,
  );
}
