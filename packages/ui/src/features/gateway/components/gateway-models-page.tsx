import type { GatewayModelDefinition } from '@loupe/protocol';
import { useState } from 'react';
import { Link } from 'react-router';
import { Button } from '../../../shared/components/button';
import { EmptyState } from '../../../shared/components/feedback-states';
import { LIST_ROW, ListTable } from '../../../shared/components/list-table';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useGatewayEndpoints } from '../hooks/use-gateway-endpoints';
import { useModelDefinitions } from '../hooks/use-model-definitions';
import { providerSpec } from '../lib/providers';
import { GatewayToolbar } from './gateway-layout';
import { CreateModelDialog, DeleteModelDialog } from './model-dialogs';

const COLUMNS = [
  { label: 'Name' },
  { label: 'Provider' },
  { label: 'Model' },
  { label: 'API key' },
  { label: 'Endpoints' },
  { label: 'Last changed' },
  { label: 'Actions', srOnly: true },
];

/**
 * The gateway's models (MLflow's model definitions): a provider's model with the API key it calls
 * with, and the endpoints routing to it; create and delete here.
 *
 * @example
 * { path: '/gateway/models', element: <GatewayModelsPage /> }
 */
export function GatewayModelsPage() {
  const models = useModelDefinitions();
  const endpoints = useGatewayEndpoints();
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<GatewayModelDefinition>();
  const endpointsOf = (id: string) => (endpoints.data ?? []).filter((e) => e.model_mappings?.some((m) => m.model_definition_id === id));
  return (
    <>
      <GatewayToolbar hint="A provider's model and the API key it calls with. Endpoints route to models.">
        <Button variant="primary" onClick={() => setCreating(true)}>
          New model
        </Button>
      </GatewayToolbar>
      <ListTable
        label="Models"
        columns={COLUMNS}
        query={models}
        loadingLabel="Loading models"
        isEmpty={models.data?.length === 0}
        empty={<EmptyState title="No models yet" hint="Add a model (say OpenAI's gpt-4o-mini) with the API key it calls with." />}
      >
        {models.data?.map((m) => (
          <tr key={m.model_definition_id} className={LIST_ROW}>
            <td className="px-4 py-2.5 font-medium">{m.name}</td>
            <td className="px-4 py-2.5">{providerSpec(m.provider).label}</td>
            <td className="px-4 py-2.5 font-mono text-xs">{m.model_name}</td>
            <td className="px-4 py-2.5">{m.secret_name ?? <span className="text-amber-700 dark:text-amber-400">none (deleted)</span>}</td>
            <td className="px-4 py-2.5">
              {endpointsOf(m.model_definition_id).map((e, i) => (
                <span key={e.endpoint_id}>
                  {i > 0 ? ', ' : null}
                  <Link to={`/gateway/endpoints/${encodeURIComponent(e.name)}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                    {e.name}
                  </Link>
                </span>
              ))}
              {endpointsOf(m.model_definition_id).length === 0 ? <span className="text-zinc-500">—</span> : null}
            </td>
            <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400" title={formatTimestamp(m.last_updated_at)}>
              {formatRelative(m.last_updated_at)}
            </td>
            <td className="px-4 py-2.5 text-right">
              <Button size="sm" variant="ghost" aria-label={`Delete ${m.name}`} onClick={() => setDeleting(m)}>
                Delete
              </Button>
            </td>
          </tr>
        ))}
      </ListTable>
      {creating ? <CreateModelDialog onClose={() => setCreating(false)} /> : null}
      {deleting ? <DeleteModelDialog model={deleting} onClose={() => setDeleting(undefined)} /> : null}
    </>
  );
}
