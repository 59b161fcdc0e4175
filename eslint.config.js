import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The floors of the house (docs/CONVENTIONS.md): each folder of src/ may import only the folders
 * listed for it, so that the ground floor stands on nothing above it. Folders not listed here
 * are features, which may import any floor below them but not the wiring above them.
 */
const FLOORS = {
  config: [],
  common: ['config'],
  database: ['common', 'config', '\\.\\./migrations'],
};
const WIRING = ['graphql', 'app.module.js', 'main.js', 'bootstrap.js'];

/** `../` as many times as a file at `depth` folders below src/ needs to reach src/. */
function layerRules(folder, pattern, depth) {
  const up = '\\.\\./'.repeat(depth);
  return {
    files: [`src/${folder === '*' ? '*' : folder}/${'*/'.repeat(depth - 1)}*.ts`],
    ignores: folder === '*' ? WIRING.map((w) => `src/${w.replace(/\.js$/, '.ts')}/**`).concat(Object.keys(FLOORS).map((f) => `src/${f}/**`)) : [],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: `^${up}${pattern}`, message: `src/${folder === '*' ? '<feature>' : folder}/ may not import this floor (see the FLOORS table in eslint.config.js and docs/CONVENTIONS.md)` }] }],
    },
  };
}

const floorRules = [1, 2, 3].flatMap((depth) => [
  ...Object.entries(FLOORS).map(([folder, allowed]) => layerRules(folder, `(?!(${[folder, ...allowed].join('|')})/)`, depth)),
  // Features: never the GraphQL wiring or the application's entry points.
  layerRules('*', `(${WIRING.map((w) => w.replace('.', '\\.')).join('|')})(/|$)`, depth),
]);

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', '.data/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', URL: 'readonly', fetch: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', globalThis: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-console': 'off',
    },
  },
  ...floorRules,
);
