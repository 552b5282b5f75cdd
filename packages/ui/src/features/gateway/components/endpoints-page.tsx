import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { Button } from '../../../shared/components/button';
import { Dialog } from '../../../shared/components/dialog';
import { EmptyState } from '../../../shared/components/feedback-states';
import { LIST_ROW, ListTable } from '../../../shared/components/list-table';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useAuthSession } from '../../settings/hooks/use-auth-session';
import { useCreateEndpoint, useGatewayEndpoints } from '../hooks/use-gateway-endpoints';
import { useModelDefinitions } from '../hooks/use-model-definitions';
import { endpointModelRoles, endpointRequest, fallbackSummary, modelLabel, routingSummary } from '../lib/endpoint-config';
import { canManageGateway } from '../lib/gateway-access';
import { EndpointForm } from './endpoint-form';
import { GatewayToolbar } from './gateway-layout';

const COLUMNS = [{ label: 'Name' }, { label: 'Models' }, { label: 'Routing' }, { label: 'Usage tracking' }, { label: 'Last changed' }];

function CreateEndpointDialog({ onClose }: { onClose: () => void }) {
  const models = useModelDefinitions();
  const create = useCreateEndpoint();
  const navigate = useNavigate();
  return (
    <Dialog open title="New endpoint" onClose={onClose}>
      <EndpointForm
        models={models.data ?? []}
        submitLabel="Create endpoint"
        pendingLabel="Creating…"
        pending={create.isPending}
        error={create.error ?? models.error}
        errorTitle={create.error ? 'Not created' : 'Models could not be loaded'}
        onSubmit={(values) =>
          create.mutate(endpointRequest(values), { onSuccess: (res) => navigate(`/gateway/endpoints/${encodeURIComponent(res.endpoint.name)}`) })
        }
        onCancel={onClose}
      />
    </Dialog>
  );
}

/**
 * The gateway's endpoints: each with the models it routes to, how, and where its usage is traced;
 * a form to create one (for those who manage the gateway).
 *
 * @example
 * { index: true, element: <EndpointsPage /> }
 */
export function EndpointsPage() {
  const endpoints = useGatewayEndpoints();
  const manage = canManageGateway(useAuthSession());
  const [creating, setCreating] = useState(false);
  return (
    <>
      <GatewayToolbar
        hint={
          <>
            Clients call an endpoint by name, as the model, at <code className="font-mono text-xs">/gateway/mlflow/v1/chat/completions</code>.
          </>
        }
      >
        {manage ? (
          <Button variant="primary" onClick={() => setCreating(true)}>
            New endpoint
          </Button>
        ) : null}
      </GatewayToolbar>
      <ListTable
        label="Endpoints"
        columns={COLUMNS}
        query={endpoints}
        loadingLabel="Loading endpoints"
        isEmpty={endpoints.data?.length === 0}
        empty={
          <EmptyState
            title="No endpoints yet"
            hint={
              manage ? (
                <>
                  Add an{' '}
                  <Link to="/gateway/secrets" className="text-indigo-600 hover:underline dark:text-indigo-400">
                    API key
                  </Link>
                  , then a{' '}
                  <Link to="/gateway/models" className="text-indigo-600 hover:underline dark:text-indigo-400">
                    model
                  </Link>{' '}
                  that calls with it, then an endpoint routing to the model.
                </>
              ) : (
                'An admin creates endpoints.'
              )
            }
          />
        }
      >
        {endpoints.data?.map((e) => {
          const roles = endpointModelRoles(e);
          const primaries = roles.filter((r) => r.share !== undefined);
          const fallbacks = roles.length - primaries.length;
          const fallback = fallbackSummary(e);
          return (
            <tr key={e.endpoint_id} className={LIST_ROW}>
              <td className="px-4 py-2.5">
                <Link to={`/gateway/endpoints/${encodeURIComponent(e.name)}`} className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
                  {e.name}
                </Link>
              </td>
              <td className="px-4 py-2.5">
                <span className="font-mono text-xs">{primaries.map((r) => modelLabel(r.mapping)).join(', ') || '—'}</span>
                {fallbacks > 0 ? (
                  <span className="ml-2 text-xs text-zinc-500">
                    +{fallbacks} fallback{fallbacks === 1 ? '' : 's'}
                  </span>
                ) : null}
              </td>
              <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">
                {routingSummary(e)}
                {fallback ? <span className="block text-xs text-zinc-500">Fallback: {fallback}</span> : null}
              </td>
              <td className="px-4 py-2.5">
                {e.usage_tracking && e.experiment_id ? (
                  <Link
                    to={`/experiments/${e.experiment_id}/traces`}
                    aria-label={`Traces of ${e.name}`}
                    className="text-indigo-600 hover:underline dark:text-indigo-400"
                  >
                    On · traces
                  </Link>
                ) : (
                  <span className="text-zinc-500">Off</span>
                )}
              </td>
              <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(e.last_updated_at)}>
                {formatRelative(e.last_updated_at)}
              </td>
            </tr>
          );
        })}
      </ListTable>
      {creating ? <CreateEndpointDialog onClose={() => setCreating(false)} /> : null}
    </>
  );
}
