// Lint configuration: typescript-eslint's recommended rules plus the project's conventions.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'app/vendor/**', 'test/bench/results/**', '**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', TextDecoder: 'readonly', TextEncoder: 'readonly', Response: 'readonly', Request: 'readonly', Headers: 'readonly', FormData: 'readonly', Blob: 'readonly', structuredClone: 'readonly', performance: 'readonly', queueMicrotask: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // The embedded admin UI runs in the browser (app/ui/src; app/ui/lib is shared with node tests).
    files: ['app/ui/src/**/*.{ts,tsx}', 'app/ui/lib/**/*.ts'],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } }, globals: { window: 'readonly', document: 'readonly', navigator: 'readonly', location: 'readonly', history: 'readonly', Event: 'readonly', Element: 'readonly', HTMLElement: 'readonly', MouseEvent: 'readonly', KeyboardEvent: 'readonly', ResizeObserver: 'readonly', requestAnimationFrame: 'readonly', cancelAnimationFrame: 'readonly' } },
  },
  {
    // The customer insights admin block (Preact, Polaris web components) runs in Shopify's admin
    // extension sandbox: the `shopify` global and a DOM, no Node.
    files: ['extensions/customer-insights/src/**/*.{ts,tsx}'],
    ignores: ['extensions/customer-insights/src/**/*.test.ts'],
    languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } }, globals: { shopify: 'readonly', document: 'readonly' } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'os', 'child_process', 'crypto', 'buffer'], message: 'The admin block runs in a browser sandbox: no Node modules.' }] }],
    },
  },
  {
    // The web pixel runs in Shopify's strict sandbox (a web worker): no Node, no DOM.
    files: ['extensions/web-pixel/src/**/*.ts'],
    ignores: ['extensions/web-pixel/src/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'os', 'child_process', 'crypto', 'buffer'], message: 'The web pixel runs in a browser sandbox: no Node modules.' }] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'No process in the pixel sandbox.' }, { name: 'Buffer', message: 'No Buffer in the pixel sandbox.' }, { name: 'window', message: 'The strict sandbox has no window: use the api register() gives.' }, { name: 'document', message: 'The strict sandbox has no document: use event.context.' }],
    },
  },
  {
    // core/ is pure: no I/O, clock, environment or randomness of its own.
    files: ['core/**/*.ts'],
    ignores: ['core/**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'os', 'child_process', 'pg', 'express', 'bull', '@shopify/*', '@hubspot/*'], message: 'core/ is pure: pass I/O in from app/ or connectors/.' }] }],
      'no-restricted-globals': ['error', { name: 'process', message: 'core/ is pure: take configuration as a parameter.' }, { name: 'fetch', message: 'core/ is pure: no network.' }],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'core/ is pure: take the clock as a parameter.' }, { object: 'Math', property: 'random', message: 'core/ is pure: take a seeded random source.' }],
    },
  },
);
