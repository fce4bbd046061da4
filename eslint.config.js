// ESLint with type information (typescript-eslint), run by `npm test` (scripts/test.sh lint stage).
// Layering rules: the pure core (spec, plan, render, verify's pure files) imports no I/O module,
// and no CLI command imports another command.
import tseslint from 'typescript-eslint';

const IO_MODULES = [
  'fs',
  'node:fs',
  'fs/promises',
  'node:fs/promises',
  'child_process',
  'node:child_process',
  'execa',
  '@unraid/libvirt',
  'net',
  'node:net',
  'http',
  'node:http',
  'https',
  'node:https',
];
const ioBan = { paths: IO_MODULES.map((name) => ({ name, message: 'pure code: do the I/O in a src/host port and pass the result in' })) };

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'out/**', 'vm-images/**', '.vlab-test/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: [
      'src/spec/**/*.ts',
      'src/plan/**/*.ts',
      'src/render/**/*.ts',
      'src/verify/checks.ts',
      'src/verify/ping-parse.ts',
      'src/verify/ping-script.ts',
      'src/verify/report-*.ts',
      'src/verify/result.ts',
      'src/doctor/**/*.ts',
    ],
    rules: { 'no-restricted-imports': ['error', ioBan] },
  },
  {
    files: ['src/cli/commands/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['./*', '!./*.json'], message: 'a command never imports another command: move shared logic into the core (src/lab)' },
            {
              group: ['../../*', '!../../lab', '!../../ui', '!../../errors.js', '!../../persist', '../../persist/*', '!../../persist/plan-persist.js'],
              message: 'a command imports only the core (src/lab), the UI (src/ui), the CLI (src/cli) and errors: move host, apply and state work into src/lab',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/lab/*.ts', 'src/apply/*.ts', 'src/host/**/*.ts', 'src/state/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../cli/*', '../ui/*', '../../cli/*', '../../ui/*'],
              message: 'the core prints nothing: report through events (src/apply/progress.ts) and return outcomes; the CLI prints them',
            },
          ],
        },
      ],
    },
  },
);
