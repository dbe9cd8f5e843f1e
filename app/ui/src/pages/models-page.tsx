// Models: the propensity backtest (AUC, top-decile lift, Brier against the base rate, calibration),
// the BG/NBD fit (parameters, predicted against actual repeat purchases), Gamma-Gamma, clusters.
import { Badge, BlockStack, DataTable, InlineGrid, InlineStack, Layout, Page, Text } from '@shopify/polaris';
import type { ModelsResponse } from '../../../server/api/api-types.ts';
import { formatDate, formatDecimal, formatNumber, formatPercent } from '../../lib/format.ts';
import { useApi } from '../api/api.ts';
import { BarChart } from '../charts/bar-chart.tsx';
import { AutoWidth } from '../charts/auto-width.tsx';
import { CalibrationChart } from '../charts/calibration-chart.tsx';
import { SERIES } from '../charts/chart-parts.tsx';
import { Figure } from '../components/figure.tsx';
import { Loaded, Unavailable } from '../components/page-states.tsx';
import { TitledCard, TitledSection } from '../components/titled-card.tsx';

export function ModelsPage() {
  const { state, reload } = useApi<ModelsResponse>('/models');
  return (
    <Loaded title="Models" state={state} reload={reload}>
      {(data) => (
        <Page title="Models" subtitle={`Backtest on the store's own history: models see orders up to ${formatDate(data.asOf)} and are judged on the next ${data.horizonDays} days.`}>
          <Layout>
            <Layout.Section>
              <PropensityCard propensity={data.propensity} />
            </Layout.Section>
            <Layout.Section>
              <InlineGrid columns={{ xs: 1, lg: 2 }} gap="400">
                <BgNbdCard bgnbd={data.bgnbd} gammaGamma={data.gammaGamma} />
                <ClustersCard clusters={data.clusters} />
              </InlineGrid>
            </Layout.Section>
          </Layout>
        </Page>
      )}
    </Loaded>
  );
}

function aucTone(auc: number | null): 'success' | 'attention' | 'critical' | undefined {
  if (auc === null) return undefined;
  return auc >= 0.7 ? 'success' : auc >= 0.6 ? 'attention' : 'critical';
}

function PropensityCard({ propensity }: { propensity: ModelsResponse['propensity'] }) {
  return (
    <TitledCard testId="model-propensity" title="Purchase propensity" aside={propensity.ok ? <Badge tone={aucTone(propensity.auc)}>{propensity.model}</Badge> : null} gap="400">
      {!propensity.ok ? (
        <Unavailable reason={propensity.reason} testId="model-propensity-unavailable" />
      ) : (
        <>
          <InlineGrid columns={{ xs: 1, sm: 3 }} gap="400">
            <Figure size="lg" label="AUC" value={formatDecimal(propensity.auc, 3)} help="0.5 is a coin flip, 1 is perfect ranking" testId="model-auc" />
            <Figure size="lg" label="Top-decile lift" value={propensity.topDecileLift === null ? '—' : `${formatDecimal(propensity.topDecileLift, 2)}×`} help="Buyers in the top 10% scored, against the average" testId="model-top-decile-lift" />
            <Figure
              size="lg"
              label="Brier score (lower is better)"
              value={formatDecimal(propensity.brier, 3)}
              help={`Base rate alone: ${formatDecimal(propensity.brierBaseline, 3)}${propensity.brierSkill === null ? '' : ` (skill ${formatPercent(propensity.brierSkill, 0)})`}`}
              testId="model-brier"
            />
          </InlineGrid>
          <InlineGrid columns={{ xs: 1, md: ['twoThirds', 'oneThird'] }} gap="400">
            <AutoWidth max={520}>{(width) => <CalibrationChart bins={propensity.calibration} width={width} height={Math.round(Math.min(360, width * 0.8))} />}</AutoWidth>
            <TitledSection title="Calibration" gap="200">
              <Text as="p" tone="subdued" variant="bodySm">
                People are grouped by predicted probability; a well calibrated model puts each group on the dashed diagonal.
              </Text>
              <Text as="p" variant="bodySm">
                Mean calibration error: <span data-testid="model-calibration-error">{formatPercent(propensity.calibrationError)}</span>
              </Text>
              <Text as="p" variant="bodySm">
                Tested on {formatNumber(propensity.n)} people, {formatNumber(propensity.positives)} bought ({formatPercent(propensity.baseRate)}).
              </Text>
              <Text as="p" variant="bodySm">
                Trained on {formatNumber(propensity.trainedOn.n)} people, {formatNumber(propensity.trainedOn.positives)} bought ({formatPercent(propensity.trainedOn.baseRate)}).
              </Text>
            </TitledSection>
          </InlineGrid>
        </>
      )}
    </TitledCard>
  );
}

function BgNbdCard({ bgnbd, gammaGamma }: { bgnbd: ModelsResponse['bgnbd']; gammaGamma: ModelsResponse['gammaGamma'] }) {
  return (
    <TitledCard testId="model-bgnbd" title="Repeat purchases (BG/NBD)" gap="400">
      {!bgnbd.ok ? (
        <Unavailable reason={bgnbd.reason} testId="model-bgnbd-unavailable" />
      ) : (
        <>
          <AutoWidth>
            {(width) => (
          <BarChart
            title="Repeat purchases in the horizon: predicted against actual"
            items={[
              { label: 'Predicted', value: bgnbd.predictedRepeat, color: SERIES.accent },
              { label: 'Actual', value: bgnbd.actualRepeat, color: SERIES.primary },
            ]}
            format={(v) => formatNumber(v)}
            width={width}
            labelWidth={90}
            testId="chart-bgnbd-repeat"
          />
            )}
          </AutoWidth>
          <Text as="p" variant="bodySm">
            Relative error: <span data-testid="model-bgnbd-error">{bgnbd.relativeError === null ? '—' : formatPercent(bgnbd.relativeError)}</span> · {formatNumber(bgnbd.n)} customers,{' '}
            {formatNumber(bgnbd.repeatBuyers)} repeat buyers
          </Text>
          <DataTable
            columnContentTypes={['text', 'numeric', 'text']}
            headings={['Parameter', 'Value', 'Meaning']}
            rows={[
              ['r', formatDecimal(bgnbd.r, 3), 'Shape of purchase rates'],
              ['α', formatDecimal(bgnbd.alpha, 3), `Scale of purchase rates (per ${bgnbd.timeUnit})`],
              ['a', formatDecimal(bgnbd.a, 3), 'Shape of drop-out'],
              ['b', formatDecimal(bgnbd.b, 3), 'Shape of drop-out'],
              ['Log-likelihood', formatNumber(bgnbd.logLikelihood, 1), 'Fit on the calibration period'],
            ]}
          />
        </>
      )}
      <Text as="h3" variant="headingSm">
        Spend per order (Gamma-Gamma)
      </Text>
      {gammaGamma.ok ? (
        <Text as="p" variant="bodySm">
          p = {formatDecimal(gammaGamma.p, 2)}, q = {formatDecimal(gammaGamma.q, 2)}, γ = {formatDecimal(gammaGamma.gamma, 2)} on {formatNumber(gammaGamma.n)} repeat buyers
        </Text>
      ) : (
        <Unavailable reason={gammaGamma.reason} />
      )}
    </TitledCard>
  );
}

function ClustersCard({ clusters }: { clusters: ModelsResponse['clusters'] }) {
  return (
    <TitledCard testId="model-clusters" title="Clusters" aside={clusters.ok ? <Badge>{`k = ${clusters.k}, silhouette ${formatDecimal(clusters.silhouette, 2)}`}</Badge> : null} gap="400">
      {!clusters.ok ? (
        <Unavailable reason={clusters.reason} testId="model-clusters-unavailable" />
      ) : (
        <>
          <AutoWidth>
            {(width) => <BarChart title="Cluster sizes" items={clusters.clusters.map((c) => ({ label: c.name, value: c.size, color: SERIES.accent }))} format={(v) => formatNumber(v)} width={width} labelWidth={130} testId="chart-clusters" />}
          </AutoWidth>
          <BlockStack gap="300">
            {clusters.clusters.map((c) => (
              <div key={c.id} data-testid={`cluster-${c.id}`}>
                <BlockStack gap="050">
                  <InlineStack align="space-between" blockAlign="center">
                    <Text as="h3" variant="headingSm">
                      {c.name}
                    </Text>
                    <Text as="span" tone="subdued" numeric>
                      {`${formatNumber(c.size)} · ${formatPercent(c.share)}`}
                    </Text>
                  </InlineStack>
                  <Text as="p" tone="subdued" variant="bodySm">
                    {c.explanation}
                  </Text>
                </BlockStack>
              </div>
            ))}
          </BlockStack>
        </>
      )}
    </TitledCard>
  );
}
