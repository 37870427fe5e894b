// Lint: typescript-eslint's recommended rules plus the layering of ../shared/DESIGN.md, expressed with ESLint's own
// no-restricted-imports (one pattern list per layer) so the lint needs no resolver plugin.
import tseslint from 'typescript-eslint';

// Which layers each layer may not import. Imports are relative, so a pattern names the layer's folder anywhere in
// the specifier (`../../core/image/x.js`).
const FORBIDDEN = {
  cli: ['server', 'services', 'core', 'os', 'daemon'],
  client: ['cli', 'server', 'services', 'core', 'os', 'daemon'],
  api: ['cli', 'client', 'server', 'services', 'core', 'os', 'daemon'],
  common: ['cli', 'client', 'api', 'server', 'services', 'core', 'os', 'daemon'],
  server: ['cli', 'client', 'os', 'daemon'],
  services: ['cli', 'client', 'server', 'os', 'daemon'],
  core: ['cli', 'client', 'server', 'services', 'os', 'daemon'],
  os: ['cli', 'client', 'server', 'services', 'daemon'],
};

// Only os/ runs host programs; the CLI's daemon auto-start, bootstrap and raw terminal (stty) are the deliberate
// exceptions: each acts on the user's own machine or terminal, never on the daemon's state.
const MAY_SPAWN = ['src/cli/daemon-autostart.ts', 'src/cli/bootstrap/', 'src/cli/terminal/raw-mode.ts'];

function layerRules(layer, forbidden) {
  const spawnAllowed = layer === 'os';
  return {
    files: [`src/${layer}/**/*.ts`],
    ignores: ['src/**/*.test.ts', ...(spawnAllowed ? [] : MAY_SPAWN.map((p) => (p.endsWith('/') ? `${p}**` : p)))],
    rules: {
      'no-restricted-imports': ['error', {
        paths: spawnAllowed ? [] : [{ name: 'node:child_process', message: 'only src/os/ runs host programs' }],
        patterns: [{ group: forbidden.map((f) => `**/${f}/**`), message: `${layer}/ may not import ${forbidden.join(', ')} (see DESIGN.md layers)` }],
      }],
    },
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'src/api/types.gen.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...Object.entries(FORBIDDEN).map(([layer, forbidden]) => layerRules(layer, forbidden)),
  {
    // Only the two entry points end the process.
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/cli/main.ts', 'src/daemon/main.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'only cli/main.ts and daemon/main.ts end the process' }],
    },
  },
);
