import { QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { createQueryClient } from './query-client';
import { createRoutes } from './routes';

/**
 * The application: server state in TanStack Query, pages routed by URL.
 *
 * @example
 * createRoot(el).render(<App />);
 */
export function App() {
  const [client] = useState(createQueryClient);
  const [router] = useState(() => createBrowserRouter(createRoutes(client)));
  return (
    <QueryClientProvider client={client}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  );
}
