import { existsSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * The one build configuration every package shares: ESM + CJS with .d.ts for both, node20,
 * entries src/index.ts plus src/internal.ts and src/cli.ts when the package has them.
 */
export function packageBuildConfig(overrides: Options = {}) {
  const entry = ['src/index.ts', 'src/internal.ts', 'src/cli.ts'].filter((f) => existsSync(f));
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'node20',
    outExtension: ({ format }) => ({ js: format === 'esm' ? '.mjs' : '.js' }),
    ...overrides,
  });
}
