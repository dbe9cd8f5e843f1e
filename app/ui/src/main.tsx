// Entry of the embedded admin UI bundle (built by app/ui/build-ui.ts).
import '@shopify/polaris/build/esm/styles.css';
import './app.css';
import { AppProvider } from '@shopify/polaris';
import en from '@shopify/polaris/locales/en.json';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { AppLink, RouterProvider } from './router.tsx';

const root = document.getElementById('app');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <RouterProvider>
        <AppProvider i18n={en} linkComponent={AppLink}>
          <App />
        </AppProvider>
      </RouterProvider>
    </StrictMode>,
  );
}
