// Builds the app's extensions with esbuild. The web pixel: src/index.ts and its one dependency
// bundled into a single minified browser script (es2020) at extensions/web-pixel/dist/main.js
// (gitignored). Platform 'browser' makes any Node built-in an unresolvable import, so the build
// fails rather than shipping one. Shopify CLI does its own build on deploy; this one is what the
// tests check (size, no require, runs under a fake register()).
// The customer insights admin block (extensions/customer-insights): src/block.tsx with Preact, its
// Polaris web components glue and the view model, bundled into one minified ES module
// (dist/block.js) whose default export Shopify's admin calls; JSX is Preact's automatic runtime.
// `node extensions/build-extensions.ts [outdir]` (npm run build:extensions) writes the files.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const EXTENSIONS_DIR = fileURLToPath(new URL('.', import.meta.url));
export const WEB_PIXEL_DIR = join(EXTENSIONS_DIR, 'web-pixel');
export const WEB_PIXEL_ENTRY = join(WEB_PIXEL_DIR, 'src', 'index.ts');
export const WEB_PIXEL_DIST = join(WEB_PIXEL_DIR, 'dist');
/** The pixel's size budget: it loads on every storefront page. */
export const WEB_PIXEL_MAX_BYTES = 20_000;

export const CUSTOMER_INSIGHTS_DIR = join(EXTENSIONS_DIR, 'customer-insights');
export const CUSTOMER_INSIGHTS_ENTRY = join(CUSTOMER_INSIGHTS_DIR, 'src', 'block.tsx');
/** The block's size budget: Shopify caps a UI extension's compiled script at 64 KB. */
export const CUSTOMER_INSIGHTS_MAX_BYTES = 64_000;

export function webPixelBuildOptions(): BuildOptions {
  return {
    entryPoints: [WEB_PIXEL_ENTRY],
    outfile: join(WEB_PIXEL_DIST, 'main.js'),
    bundle: true,
    write: false,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'silent',
    charset: 'utf8',
  };
}

export function customerInsightsBuildOptions(): BuildOptions {
  return {
    entryPoints: [CUSTOMER_INSIGHTS_ENTRY],
    outfile: join(CUSTOMER_INSIGHTS_DIR, 'dist', 'block.js'),
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'silent',
    charset: 'utf8',
  };
}

export interface BuiltExtension {
  name: string;
  file: string;
  code: string;
  bytes: number;
}

/** Builds the web pixel in memory. */
export async function buildWebPixel(): Promise<BuiltExtension> {
  const result = await build(webPixelBuildOptions());
  const out = result.outputFiles?.find((f) => f.path.endsWith('main.js'));
  if (!out) throw new Error('the web pixel build produced no main.js');
  return { name: 'web-pixel', file: 'main.js', code: out.text, bytes: out.contents.length };
}

/** Builds the customer insights admin block in memory. */
export async function buildCustomerInsights(): Promise<BuiltExtension> {
  const result = await build(customerInsightsBuildOptions());
  const out = result.outputFiles?.find((f) => f.path.endsWith('block.js'));
  if (!out) throw new Error('the customer insights build produced no block.js');
  return { name: 'customer-insights', file: 'block.js', code: out.text, bytes: out.contents.length };
}

/** Builds every extension; writes `<outdir>/<name>/<file>` (default: each extension's dist/). */
export async function writeExtensions(outdir?: string): Promise<Array<BuiltExtension & { path: string }>> {
  const built = [await buildWebPixel(), await buildCustomerInsights()];
  const written: Array<BuiltExtension & { path: string }> = [];
  for (const extension of built) {
    const dir = outdir ? join(outdir, extension.name) : join(EXTENSIONS_DIR, extension.name, 'dist');
    await mkdir(dir, { recursive: true });
    const path = join(dir, extension.file);
    await writeFile(path, extension.code);
    written.push({ ...extension, path });
  }
  return written;
}

if (import.meta.main) {
  try {
    for (const extension of await writeExtensions(process.argv[2])) {
      process.stdout.write(`${extension.name}: ${extension.path} (${extension.bytes} bytes)\n`);
    }
  } catch (error) {
    process.stderr.write(`extension build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
