import { Navigate, type RouteObject } from 'react-router';
import { ExperimentListPage } from '../features/experiments/components/experiment-list-page';
import { ExperimentPage } from '../features/experiments/components/experiment-page';
import { OverviewPage } from '../features/overview/components/overview-page';
import { RunPage } from '../features/runs/components/run-page';
import { RunsComparePage } from '../features/runs/components/runs-compare-page';
import { RunsPage } from '../features/runs/components/runs-page';
import { SessionPage } from '../features/sessions/components/session-page';
import { SessionsPage } from '../features/sessions/components/sessions-page';
import { TracePage } from '../features/traces/components/trace-page';
import { TracesPage } from '../features/traces/components/traces-page';
import { Layout, NotFoundPage } from './layout';

/**
 * Every page of the UI and its URL. The server answers index.html for `/` and `/experiments/...`
 * (packages/server/src/http/ui/ui-routes.ts), so each of these can be opened directly.
 *
 * @example
 * createBrowserRouter(ROUTES);
 */
export const ROUTES: RouteObject[] = [
  {
    element: <Layout />,
    children: [
      { path: '/', element: <ExperimentListPage /> },
      { path: '/experiments', element: <Navigate to="/" replace /> },
      {
        path: '/experiments/:experimentId',
        element: <ExperimentPage />,
        children: [
          { index: true, element: <Navigate to="overview" replace /> },
          { path: 'overview', element: <OverviewPage /> },
          { path: 'traces', element: <TracesPage /> },
          { path: 'traces/:traceId', element: <TracePage /> },
          { path: 'sessions', element: <SessionsPage /> },
          { path: 'sessions/:sessionId', element: <SessionPage /> },
          { path: 'runs', element: <RunsPage /> },
          { path: 'runs/compare', element: <RunsComparePage /> },
          { path: 'runs/:runId', element: <RunPage /> },
        ],
      },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
