// The app shell: Polaris Frame (toasts), a navigation sidebar when the app is opened on its own
// (inside the Shopify admin, the admin's sidebar shows the `<ui-nav-menu>` links instead), and the
// page of the current route.
import { Frame, Navigation } from '@shopify/polaris';
import type { ReactNode } from 'react';
import { NAV_ITEMS, activeNavPath, type Route } from '../lib/routes.ts';
import { ToastProvider } from './components/toast.tsx';
import { ModelsPage } from './pages/models-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { OverviewPage } from './pages/overview-page.tsx';
import { QualityPage } from './pages/quality-page.tsx';
import { RulesPage } from './pages/rules-page.tsx';
import { RunsPage } from './pages/runs-page.tsx';
import { SegmentPage } from './pages/segment-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { useRouter } from './router.tsx';

function isEmbedded(): boolean {
  try {
    return window.top !== window.self;
  } catch {
    return true;
  }
}

function pageOf(route: Route): ReactNode {
  switch (route.page) {
    case 'overview':
      return <OverviewPage />;
    case 'segment':
      return <SegmentPage key={route.key} segmentKey={route.key} />;
    case 'models':
      return <ModelsPage />;
    case 'quality':
      return <QualityPage />;
    case 'runs':
      return <RunsPage />;
    case 'rules':
      return <RulesPage />;
    case 'settings':
      return <SettingsPage />;
    case 'not-found':
      return <NotFoundPage path={route.path} />;
  }
}

export function App() {
  const { route } = useRouter();
  const active = activeNavPath(route);
  const navigation = isEmbedded() ? undefined : (
    <div data-testid="app-nav">
      <Navigation location={active ?? ''}>
        <Navigation.Section
          title="Segment Refinery"
          items={NAV_ITEMS.map((item) => ({ url: item.path, label: item.label, selected: item.path === active, exactMatch: true }))}
        />
      </Navigation>
    </div>
  );
  return (
    <Frame navigation={navigation}>
      <ToastProvider>
        <main data-testid={`page-${route.page}`} data-page={route.page}>
          {pageOf(route)}
        </main>
      </ToastProvider>
    </Frame>
  );
}
