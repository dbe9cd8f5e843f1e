// The block's Preact components for Node tests: .tsx cannot be loaded by Node itself, so esbuild
// bundles them (with Preact and preact-render-to-string, one Preact instance) into an ES module in
// memory, imported from a data: URL.
import { build } from 'esbuild';
import { CUSTOMER_INSIGHTS_DIR } from '../../build-extensions.ts';
import type { BlockState } from '../src/view-model.ts';

export interface ViewModule {
  /** Renders InsightsBlockView for a state to HTML. */
  renderState(state: BlockState): string;
  /** Renders CustomerInsightsBlock (its first render: effects do not run on the server). */
  renderBlock(load: () => Promise<BlockState>): string;
}

export async function loadViewModule(): Promise<ViewModule> {
  const result = await build({
    stdin: {
      contents: [
        "import { h } from 'preact';",
        "import { renderToString } from 'preact-render-to-string';",
        "import { InsightsBlockView, CustomerInsightsBlock } from './src/insights-block.tsx';",
        'export const renderState = (state) => renderToString(h(InsightsBlockView, { state }));',
        'export const renderBlock = (load) => renderToString(h(CustomerInsightsBlock, { load }));',
      ].join('\n'),
      resolveDir: CUSTOMER_INSIGHTS_DIR,
      loader: 'js',
    },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  return (await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`)) as ViewModule;
}
