// Builds the embedded admin UI (app/ui/src) with esbuild: one minified browser bundle (app.js) and
// one stylesheet (app.css: Polaris' styles and the app's own). Built in memory once per process
// and cached; `node app/ui/build-ui.ts` also writes the files to app/ui/dist/ (gitignored).
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

export const UI_DIR = fileURLToPath(new URL('.', import.meta.url));
export const UI_ENTRY = join(UI_DIR, 'src', 'main.tsx');
export const UI_DIST = join(UI_DIR, 'dist');
/** Browsers the Shopify admin supports (its last versions). */
export const UI_TARGETS = ['chrome111', 'edge111', 'firefox115', 'safari16.4'];

export interface UiAsset {
  body: Buffer;
  /** Short content hash: the `?v=` of the asset URL and its ETag. */
  hash: string;
}

export interface UiBundle {
  js: UiAsset;
  css: UiAsset;
  builtAt: Date;
  durationMs: number;
}

function asset(contents: Uint8Array): UiAsset {
  const body = Buffer.from(contents);
  return { body, hash: createHash('sha256').update(body).digest('hex').slice(0, 16) };
}

export function uiBuildOptions(options: { minify?: boolean } = {}): BuildOptions {
  return {
    entryPoints: { app: UI_ENTRY },
    outdir: UI_DIST,
    bundle: true,
    write: false,
    minify: options.minify ?? true,
    format: 'iife',
    platform: 'browser',
    target: UI_TARGETS,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    legalComments: 'none',
    logLevel: 'silent',
    charset: 'utf8',
  };
}

/** Builds the bundle now (no cache). */
export async function buildUiBundle(options: { minify?: boolean } = {}): Promise<UiBundle> {
  const started = performance.now();
  const result = await build(uiBuildOptions(options));
  const file = (ext: string) => {
    const found = result.outputFiles?.find((f) => f.path.endsWith(ext));
    if (!found) throw new Error(`the UI build produced no ${ext} file`);
    return found.contents;
  };
  return { js: asset(file('.js')), css: asset(file('.css')), builtAt: new Date(), durationMs: Math.round(performance.now() - started) };
}

let cached: Promise<UiBundle> | null = null;

/** The bundle of this process: built on the first call, the same promise afterwards (a failed build is retried on the next call). */
export function getUiBundle(): Promise<UiBundle> {
  if (!cached) {
    const pending = buildUiBundle();
    cached = pending;
    pending.catch(() => {
      if (cached === pending) cached = null;
    });
  }
  return cached;
}

/** Writes the bundle to a directory (default app/ui/dist/). */
export async function writeUiBundle(dir = UI_DIST): Promise<{ dir: string; bundle: UiBundle }> {
  const bundle = await buildUiBundle();
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'app.js'), bundle.js.body);
  await writeFile(join(dir, 'app.css'), bundle.css.body);
  return { dir, bundle };
}

if (import.meta.main) {
  try {
    const { dir, bundle } = await writeUiBundle();
    const kb = (b: Buffer) => `${(b.length / 1024).toFixed(0)} KiB`;
    process.stdout.write(`UI built in ${bundle.durationMs} ms: ${join(dir, 'app.js')} (${kb(bundle.js.body)}), ${join(dir, 'app.css')} (${kb(bundle.css.body)})\n`);
  } catch (error) {
    process.stderr.write(`UI build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
