// Lint: typescript-eslint's recommended rules plus the layering of ../shared/DESIGN.md, enforced as import zones.
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const zone = (target, from, message) => ({ target, from, message });

export default tseslint.config(
  { ignores: ['dist/**', 'build/**', 'node_modules/**', 'src/api/types.gen.ts'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            zone('./src/cli', ['./src/server', './src/services', './src/core', './src/os', './src/daemon'], 'the CLI talks to the daemon only through the wire (client/)'),
            zone('./src/client', ['./src/cli', './src/server', './src/services', './src/core', './src/os', './src/daemon'], 'the client sits on api/ and common/ only'),
            zone('./src/api', ['./src/cli', './src/client', './src/server', './src/services', './src/core', './src/os', './src/daemon'], 'api/ is the wire contract and imports nothing of wharf'),
            zone('./src/common', ['./src/cli', './src/client', './src/api', './src/server', './src/services', './src/core', './src/os', './src/daemon'], 'common/ imports nothing of wharf'),
            zone('./src/server', ['./src/cli', './src/client', './src/os', './src/daemon'], 'server/ reaches the engine through services/'),
            zone('./src/services', ['./src/cli', './src/client', './src/server', './src/os', './src/daemon'], 'services use core ports, never os/ directly'),
            zone('./src/core', ['./src/cli', './src/client', './src/server', './src/services', './src/os', './src/daemon'], 'core declares ports; os/ implements them'),
            zone('./src/os', ['./src/cli', './src/client', './src/server', './src/services', './src/daemon'], 'os/ implements core ports only'),
          ],
        },
      ],
    },
  },
  {
    // Only os/ spawns host programs (the CLI's daemon auto-start and bootstrap are the deliberate exceptions), and
    // only the two entry points end the process.
    files: ['src/**/*.ts'],
    ignores: ['src/os/**', 'src/cli/daemon-autostart.ts', 'src/cli/bootstrap/**', 'src/**/*.test.ts', 'src/cli/main.ts', 'src/daemon/main.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'node:child_process', message: 'only src/os/ runs host programs' }] }],
      'no-restricted-properties': ['error', { object: 'process', property: 'exit', message: 'only cli/main.ts and daemon/main.ts end the process' }],
    },
  },
);
