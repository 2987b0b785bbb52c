// Bundles the extension (dist/extension.js) or, with --tests, each unit test (out/test/*.test.js).
//   node build.mjs [--production] [--tests]
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';

const production = process.argv.includes('--production');
if (!process.argv.includes('--tests')) fs.rmSync('dist', { recursive: true, force: true });
const tests = process.argv.includes('--tests');
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node18', logLevel: 'warning' };

if (tests) {
  fs.rmSync('out/test', { recursive: true, force: true });
  const entries = fs.readdirSync('test').filter((f) => f.endsWith('.test.ts')).map((f) => path.join('test', f));
  // Unit tests never load 'vscode': the logic under test lives in modules that do not import it.
  await esbuild.build({ ...common, entryPoints: entries, outdir: 'out/test', sourcemap: 'inline', external: ['vscode', 'vscode-textmate', 'vscode-oniguruma'] });
} else {
  await esbuild.build({
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    minify: production,
    sourcemap: !production,
  });
}
