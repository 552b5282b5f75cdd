import type { QueryClient } from '@tanstack/react-query';
import { Navigate, type RouteObject } from 'react-router';
import { ExperimentLanding } from '../features/experiments/components/experiment-landing';
import { ExperimentListPage } from '../features/experiments/components/experiment-list-page';
import { ExperimentPage } from '../features/experiments/components/experiment-page';
import { evaluationTracesQuery } from '../features/evaluations/hooks/use-evaluations';
import { SessionPage } from '../features/sessions/components/session-page';
import { SessionsPage } from '../features/sessions/components/sessions-page';
import { TracePage } from '../features/traces/components/trace-page';
import { TracesPage } from '../features/traces/components/traces-page';
import { prefetchSpanTreeStart } from '../features/traces/hooks/use-span-tree';
import { traceInfoQuery } from '../features/traces/hooks/use-traces';
import { Layout, NotFoundPage } from './layout';

/**
 * Every page of the UI and its URL. The server answers index.html for `/` and `/experiments/...`
 * (packages/server/src/http/ui/ui-routes.ts), and likewise `/models/...`, `/prompts/...`, `/webhooks/...`, `/gateway/...` and `/settings/...`, so each of these can be opened directly; other paths
 * outside the API get index.html with a 404 status, and the catch-all route shows the not-found page. Opening a
 * trace or an evaluation starts its first reads at once (into the query cache), while the page renders.
 *
 * @example
 * createBrowserRouter(createRoutes(queryClient));
 */
export function createRoutes(queryClient: QueryClient): RouteObject[] {
  const prefetchTrace = ({ params, request }: { params: { traceId?: string }; request: Request }) => {
    if (params.traceId) {
      void queryClient.prefetchQuery(traceInfoQuery(params.traceId));
      prefetchSpanTreeStart(queryClient, params.traceId, new URL(request.url).searchParams.get('span') ?? undefined).catch(() => {
        // The page shows the error when it reads the same query.
      });
    }
    return null;
  };
  // An evaluation's rows are its traces: reading them starts with the route, while its script loads.
  const prefetchEvaluation = ({ params, request }: { params: { experimentId?: string; runId?: string }; request: Request }) => {
    const runIds = params.runId ? [params.runId] : (new URL(request.url).searchParams.get('runs') ?? '').split(',').filter(Boolean).slice(0, 2);
    for (const runId of runIds) void queryClient.prefetchQuery(evaluationTracesQuery(params.experimentId ?? '', runId));
    return null;
  };
  return [
    {
      element: <Layout />,
      children: [
        { path: '/', element: <ExperimentListPage /> },
        { path: '/experiments', element: <Navigate to="/" replace /> },
        {
          path: '/experiments/:experimentId',
          element: <ExperimentPage />,
          children: [
            // No tab in the URL: open where the data is (runs, traces), or say how to start.
            { index: true, element: <ExperimentLanding /> },
            { path: 'overview', lazy: async () => ({ Component: (await import('../features/overview/components/overview-page')).OverviewPage }) },
            { path: 'traces', element: <TracesPage /> },
            { path: 'traces/:traceId', element: <TracePage />, loader: prefetchTrace },
            { path: 'sessions', element: <SessionsPage /> },
            { path: 'sessions/:sessionId', element: <SessionPage /> },
            // Evaluation datasets load when first opened.
            { path: 'datasets', lazy: async () => ({ Component: (await import('../features/datasets/components/datasets-page')).DatasetsPage }) },
            { path: 'datasets/:datasetId', lazy: async () => ({ Component: (await import('../features/datasets/components/dataset-page')).DatasetPage }) },
            // Charts (uPlot) and the runs pages load when first opened, keeping the first script small.
            { path: 'runs', lazy: async () => ({ Component: (await import('../features/runs/components/runs-page')).RunsPage }) },
            { path: 'runs/compare', lazy: async () => ({ Component: (await import('../features/runs/components/runs-compare-page')).RunsComparePage }) },
            { path: 'runs/:runId', lazy: async () => ({ Component: (await import('../features/runs/components/run-page')).RunPage }) },
            // Evaluation runs (mlflow.genai.evaluate) load when first opened, like the runs pages.
            {
              path: 'evaluations',
              lazy: async () => ({ Component: (await import('../features/evaluations/components/evaluations-page')).EvaluationsPage }),
            },
            {
              path: 'evaluations/compare',
              loader: prefetchEvaluation,
              lazy: async () => ({ Component: (await import('../features/evaluations/components/evaluation-compare-page')).EvaluationComparePage }),
            },
            {
              path: 'evaluations/:runId',
              loader: prefetchEvaluation,
              lazy: async () => ({ Component: (await import('../features/evaluations/components/evaluation-run-page')).EvaluationRunPage }),
            },
            // Human review: label schemas and queues, and a queue's labeling view.
            { path: 'review', lazy: async () => ({ Component: (await import('../features/review/components/review-page')).ReviewPage }) },
            { path: 'monitors', lazy: async () => ({ Component: (await import('../features/monitors/components/monitors-page')).MonitorsPage }) },
            { path: 'review/:queueId', lazy: async () => ({ Component: (await import('../features/review/components/labeling-page')).LabelingPage }) },
          ],
        },
        // The registries load when first opened, keeping the first script small.
        { path: '/models', lazy: async () => ({ Component: (await import('../features/models/components/models-page')).ModelsPage }) },
        { path: '/models/:name', lazy: async () => ({ Component: (await import('../features/models/components/model-page')).ModelPage }) },
        { path: '/prompts', lazy: async () => ({ Component: (await import('../features/prompts/components/prompts-page')).PromptsPage }) },
        { path: '/prompts/:name', lazy: async () => ({ Component: (await import('../features/prompts/components/prompt-page')).PromptPage }) },
        { path: '/webhooks', lazy: async () => ({ Component: (await import('../features/webhooks/components/webhooks-page')).WebhooksPage }) },
        {
          path: '/webhooks/:webhookId',
          lazy: async () => ({ Component: (await import('../features/webhooks/components/webhook-page')).WebhookPage }),
        },
        // The AI gateway: endpoints, models, API keys and budgets (tabs), and one endpoint with its usage.
        {
          path: '/gateway',
          lazy: async () => ({ Component: (await import('../features/gateway/components/gateway-layout')).GatewayLayout }),
          children: [
            { index: true, lazy: async () => ({ Component: (await import('../features/gateway/components/endpoints-page')).EndpointsPage }) },
            { path: 'models', lazy: async () => ({ Component: (await import('../features/gateway/components/gateway-models-page')).GatewayModelsPage }) },
            { path: 'secrets', lazy: async () => ({ Component: (await import('../features/gateway/components/secrets-page')).SecretsPage }) },
            { path: 'budgets', lazy: async () => ({ Component: (await import('../features/gateway/components/budgets-page')).BudgetsPage }) },
          ],
        },
        {
          path: '/gateway/endpoints/:name',
          lazy: async () => ({ Component: (await import('../features/gateway/components/endpoint-page')).EndpointPage }),
        },
        // Users, API tokens and the audit log (auth on); the frame says so when auth is off.
        {
          path: '/settings',
          lazy: async () => ({ Component: (await import('../features/settings/components/settings-layout')).SettingsLayout }),
          children: [
            { path: 'users', lazy: async () => ({ Component: (await import('../features/settings/components/users-page')).UsersPage }) },
            { path: 'tokens', lazy: async () => ({ Component: (await import('../features/settings/components/tokens-page')).TokensPage }) },
            { path: 'audit', lazy: async () => ({ Component: (await import('../features/settings/components/audit-page')).AuditPage }) },
          ],
        },
        { path: '*', element: <NotFoundPage /> },
      ],
    },
  ];
}
