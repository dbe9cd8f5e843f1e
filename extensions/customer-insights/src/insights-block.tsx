// The customer insights block's UI in Polaris web components (s-*), rendered by Preact:
// `InsightsBlockView` draws one state (loading, error, ready) and `CustomerInsightsBlock` loads the
// state once and redraws. The logic lives in view-model.ts.
import { useEffect, useState } from 'preact/hooks';
import type { BlockState, InsightsView } from './view-model.ts';

export const BLOCK_HEADING = 'Segment Refinery';

function Ready({ view }: { view: InsightsView }) {
  if (!view.known) {
    return (
      <s-stack gap="small">
        <s-text color="subdued">{view.notScored}</s-text>
      </s-stack>
    );
  }
  return (
    <s-stack gap="base">
      <s-stack gap="small-100">
        <s-heading>Segments</s-heading>
        {view.segments.length === 0 ? (
          <s-text color="subdued">In no segment the app writes.</s-text>
        ) : (
          <s-stack direction="inline" gap="small-100">
            {view.segments.map((s) => (
              <s-badge key={s.key} tone={s.tone}>
                {s.label}
              </s-badge>
            ))}
          </s-stack>
        )}
        {view.rfmGroup === null ? null : <s-text>RFM group: {view.rfmGroup}</s-text>}
      </s-stack>
      {view.cluster === null ? null : (
        <s-stack gap="small-100">
          <s-heading>Cluster: {view.cluster.name}</s-heading>
          <s-paragraph>{view.cluster.explanation}</s-paragraph>
        </s-stack>
      )}
      <s-stack gap="small-100">
        {view.scores.map((line) => (
          <s-stack key={line.label} direction="inline" gap="small-100">
            <s-text type="strong">{line.label}:</s-text>
            <s-text>{line.value}</s-text>
            {line.badge === null ? null : <s-badge tone={line.badge.tone}>{line.badge.label}</s-badge>}
          </s-stack>
        ))}
      </s-stack>
      <s-text color="subdued">{view.holdout}</s-text>
    </s-stack>
  );
}

export function InsightsBlockView({ state }: { state: BlockState }) {
  return (
    <s-admin-block heading={BLOCK_HEADING}>
      {state.kind === 'loading' ? (
        <s-stack direction="inline" gap="small-100">
          <s-spinner accessibilityLabel="Loading customer insights" />
          <s-text color="subdued">Loading customer insights…</s-text>
        </s-stack>
      ) : state.kind === 'error' ? (
        <s-banner tone="critical" heading="Insights unavailable">
          {state.message}
        </s-banner>
      ) : (
        <Ready view={state.view} />
      )}
    </s-admin-block>
  );
}

export function CustomerInsightsBlock({ load }: { load: () => Promise<BlockState> }) {
  const [state, setState] = useState<BlockState>({ kind: 'loading' });
  useEffect(() => {
    let live = true;
    void load().then((next) => {
      if (live) setState(next);
    });
    return () => {
      live = false;
    };
  }, [load]);
  return <InsightsBlockView state={state} />;
}
