import { defineConfig } from 'tsup';
import { existsSync } from 'node:fs';

const entry = ['src/index.ts', 'src/internal.ts', 'src/cli.ts'].filter((f) => existsSync(f));

export const tsupConfig = defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.js' }),
});

// tsup reads the default export of its config file; this is the one default export in the repo.
export default tsupConfig;
