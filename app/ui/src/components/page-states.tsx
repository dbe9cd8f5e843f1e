// Loading, error and empty states shared by the pages: a skeleton while the API answers, a
// critical banner with the server's message (and a retry) when it fails, a card that says what to
// do when there is no data yet.
import { Banner, BlockStack, Box, Card, Layout, Page, SkeletonBodyText, SkeletonDisplayText, SkeletonPage, Text } from '@shopify/polaris';
import type { ReactNode } from 'react';
import type { Loadable } from '../api/api.ts';

export function LoadingPage({ title }: { title: string }) {
  return (
    <div data-testid="page-loading" aria-busy="true">
      <SkeletonPage title={title}>
        <Layout>
          <Layout.Section>
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="300">
                  <SkeletonDisplayText size="small" />
                  <SkeletonBodyText lines={4} />
                </BlockStack>
              </Card>
              <Card>
                <SkeletonBodyText lines={6} />
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
      </SkeletonPage>
    </div>
  );
}

export function ErrorBanner({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <div data-testid="error-banner">
      <Banner tone="critical" title={title} action={onRetry ? { content: 'Try again', onAction: onRetry } : undefined}>
        <p>{message}</p>
      </Banner>
    </div>
  );
}

export function ErrorPage({ title, message, onRetry }: { title: string; message: string; onRetry?: () => void }) {
  return (
    <Page title={title}>
      <div data-testid="page-error">
        <ErrorBanner title={`${title} could not be loaded`} message={message} onRetry={onRetry} />
      </div>
    </Page>
  );
}

/** Renders the page once its data is there; loading and error states otherwise. */
export function Loaded<T>({ title, state, reload, children }: { title: string; state: Loadable<T>; reload: () => void; children: (data: T) => ReactNode }) {
  if (state.status === 'loading') return <LoadingPage title={title} />;
  if (state.status === 'error') return <ErrorPage title={title} message={state.message} onRetry={reload} />;
  return <>{children(state.data)}</>;
}

export function EmptyCard({ heading, children, action, testId = 'empty-state' }: { heading: string; children: ReactNode; action?: ReactNode; testId?: string }) {
  return (
    <Card>
      <div data-testid={testId}>
        <Box paddingBlock="800" paddingInline="400">
          <BlockStack gap="300" inlineAlign="center">
            <EmptyIllustration />
            <Text as="h2" variant="headingMd" alignment="center">
              {heading}
            </Text>
            <Box maxWidth="460px">
              <Text as="p" tone="subdued" alignment="center">
                {children}
              </Text>
            </Box>
            {action}
          </BlockStack>
        </Box>
      </div>
    </Card>
  );
}

function EmptyIllustration() {
  return (
    <svg width="120" height="80" viewBox="0 0 120 80" aria-hidden="true">
      <rect x="14" y="14" width="92" height="58" rx="8" fill="#f1f1f1" />
      <rect x="26" y="46" width="12" height="16" rx="2" fill="#c9d8f0" />
      <rect x="44" y="36" width="12" height="26" rx="2" fill="#9bbbe8" />
      <rect x="62" y="26" width="12" height="36" rx="2" fill="#5a8fdc" />
      <rect x="80" y="40" width="12" height="22" rx="2" fill="#9bbbe8" />
      <circle cx="96" cy="18" r="10" fill="#fff" stroke="#8a8a8a" strokeWidth="2" />
      <line x1="96" y1="12" x2="96" y2="18" stroke="#8a8a8a" strokeWidth="2" strokeLinecap="round" />
      <line x1="96" y1="18" x2="100" y2="21" stroke="#8a8a8a" strokeWidth="2" strokeLinecap="round" />
    </svg>
  );
}

/** A small "not available" note for a model or report the server could not produce. */
export function Unavailable({ reason, testId }: { reason: string; testId?: string }) {
  return (
    <div data-testid={testId}>
      <Banner tone="info">
        <p>{reason}</p>
      </Banner>
    </div>
  );
}

export function SectionHeading({ children, id }: { children: ReactNode; id?: string }) {
  return (
    <Text as="h2" variant="headingMd" id={id}>
      {children}
    </Text>
  );
}
