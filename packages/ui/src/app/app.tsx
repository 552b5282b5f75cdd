import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { SessionGate } from '../features/auth/components/session-gate';
import { createQueryClient } from './query-client';
import { createRoutes } from './routes';

/** The pages; made once signed in, so no page asks the API anything before then. */
function AppRouter({ client }: { client: QueryClient }) {
  const [router] = useState(() => createBrowserRouter(createRoutes(client)));
  return <RouterProvider router={router} />;
}

/**
 * The application: server state in TanStack Query, pages routed by URL, behind the session gate
 * (Loupe's login page when auth is on and nobody is signed in).
 *
 * @example
 * createRoot(el).render(<App />);
 */
export function App() {
  const [client] = useState(createQueryClient);
  return (
    <QueryClientProvider client={client}>
      <SessionGate>
        <AppRouter client={client} />
      </SessionGate>
    </QueryClientProvider>
  );
}
