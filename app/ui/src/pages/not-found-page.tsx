// A path the app does not know.
import { Page } from '@shopify/polaris';
import { EmptyCard } from '../components/page-states.tsx';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <Page title="Page not found" backAction={{ content: 'Overview', url: '/' }}>
      <EmptyCard heading="There is no page here" testId="not-found">
        {`Segment Refinery has no page at ${path}.`}
      </EmptyCard>
    </Page>
  );
}
