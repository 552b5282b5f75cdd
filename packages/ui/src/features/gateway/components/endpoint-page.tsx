import type { GatewayEndpoint } from '@loupe/protocol';
import { useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Button } from '../../../shared/components/button';
import { ConfirmDeleteDialog } from '../../../shared/components/confirm-delete-dialog';
import { Dialog } from '../../../shared/components/dialog';
import { ErrorBanner, Spinner } from '../../../shared/components/feedback-states';
import { TagListEditor } from '../../../shared/components/tag-list-editor';
import { formatRelative, formatTimestamp } from '../../../shared/lib/format';
import { useExperiment } from '../../experiments/hooks/use-experiments';
import { useAuthSession } from '../../settings/hooks/use-auth-session';
import { useDeleteEndpoint, useEndpointBindings, useEndpointTagMutations, useGatewayEndpoint, useUpdateEndpoint } from '../hooks/use-gateway-endpoints';
import { useGatewaySecrets } from '../hooks/use-gateway-secrets';
import { useModelDefinitions } from '../hooks/use-model-definitions';
import { endpointFormValuesOf, endpointUpdateRequest, fallbackSummary, routingSummary } from '../lib/endpoint-config';
import { canManageGateway } from '../lib/gateway-access';
import { EndpointCallSnippet } from './endpoint-call-snippet';
import { EndpointForm } from './endpoint-form';
import { EndpointModelsTable } from './endpoint-models-table';
import { EndpointUsage } from './endpoint-usage';

/** The create form again, filled in: models, routing and usage tracking change; the name stays. */
function EditEndpointDialog({ endpoint, onClose }: { endpoint: GatewayEndpoint; onClose: () => void }) {
  const models = useModelDefinitions();
  const update = useUpdateEndpoint();
  return (
    <Dialog open title={`Edit ${endpoint.name}`} onClose={onClose}>
      <EndpointForm
        initial={endpointFormValuesOf(endpoint)}
        models={models.data ?? []}
        submitLabel="Save changes"
        pendingLabel="Saving…"
        pending={update.isPending}
        error={update.error ?? models.error}
        errorTitle={update.error ? 'Not saved' : 'Models could not be loaded'}
        onSubmit={(values) => update.mutate(endpointUpdateRequest(endpoint, values), { onSuccess: onClose })}
        onCancel={onClose}
      />
    </Dialog>
  );
}

/** "Delete endpoint?", then back to the list. */
function DeleteEndpointDialog({ endpoint, onClose }: { endpoint: GatewayEndpoint; onClose: () => void }) {
  const remove = useDeleteEndpoint();
  const navigate = useNavigate();
  return (
    <ConfirmDeleteDialog
      title="Delete endpoint"
      confirmLabel="Delete endpoint"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => remove.mutate(endpoint, { onSuccess: () => navigate('/gateway', { replace: true }) })}
      onClose={onClose}
    >
      Delete <span className="font-semibold">{endpoint.name}</span>? Clients calling it get 404 from now on. Its models and API keys stay, and so do the usage
      traces already recorded.
    </ConfirmDeleteDialog>
  );
}

/** Where the endpoint's calls are traced: a link to its experiment, by name. */
function UsageExperimentLink({ experimentId }: { experimentId: string }) {
  const experiment = useExperiment(experimentId);
  return (
    <Link to={`/experiments/${experimentId}/traces`} className="font-mono text-xs text-indigo-600 hover:underline dark:text-indigo-400">
      {experiment.data?.name ?? `experiment ${experimentId}`}
    </Link>
  );
}

/** An endpoint's settings as a definition list. */
function EndpointSettings({ endpoint: e }: { endpoint: GatewayEndpoint }) {
  const fallback = fallbackSummary(e);
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
      <dt className="text-zinc-500">Routing</dt>
      <dd>{routingSummary(e)}</dd>
      <dt className="text-zinc-500">Fallback</dt>
      <dd>{fallback ?? 'None'}</dd>
      <dt className="text-zinc-500">Usage tracking</dt>
      <dd>{e.usage_tracking && e.experiment_id ? <UsageExperimentLink experimentId={e.experiment_id} /> : 'Off'}</dd>
      <dt className="text-zinc-500">Created</dt>
      <dd title={formatTimestamp(e.created_at)}>
        {formatRelative(e.created_at)}
        {e.created_by ? ` by ${e.created_by}` : ''}
      </dd>
      <dt className="text-zinc-500">Last changed</dt>
      <dd title={formatTimestamp(e.last_updated_at)}>
        {formatRelative(e.last_updated_at)}
        {e.last_updated_by ? ` by ${e.last_updated_by}` : ''}
      </dd>
    </dl>
  );
}

/** The endpoint's tags: edited by those who manage the gateway, read by others. */
function EndpointTags({ endpoint, manage }: { endpoint: GatewayEndpoint; manage: boolean }) {
  const mutations = useEndpointTagMutations(endpoint.endpoint_id);
  const tags = (endpoint.tags ?? []).map((t) => [t.key, t.value ?? ''] as const);
  if (manage) return <TagListEditor tags={tags} mutations={mutations} submitLabel="Add tag" />;
  if (tags.length === 0) return null;
  return (
    <section aria-label="Tags" className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold">Tags</h2>
      <p className="font-mono text-xs">{tags.map(([k, v]) => `${k}=${v}`).join('  ')}</p>
    </section>
  );
}

/** What is bound to the endpoint (scorers calling it), when anything is. */
function EndpointBindings({ endpointId }: { endpointId: string }) {
  const bindings = useEndpointBindings(endpointId);
  if (!bindings.data?.length) return null;
  return (
    <section aria-label="Used by" className="flex flex-col gap-2">
      <h2 className="text-sm font-semibold">Used by</h2>
      <ul className="text-sm">
        {bindings.data.map((b) => (
          <li key={`${b.resource_type}/${b.resource_id}`}>
            <span className="text-zinc-500">{b.resource_type.toLowerCase().replaceAll('_', ' ')}</span>{' '}
            <span className="font-mono text-xs">{b.display_name ?? b.resource_id}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * One gateway endpoint: its models (role, provider, weight, traffic, API key masked), routing and
 * fallback, where its usage is traced, how to call it, its tags and bindings, and its usage over time.
 * Those who manage the gateway edit and delete it here.
 *
 * @example
 * { path: '/gateway/endpoints/:name', element: <EndpointPage /> }
 */
export function EndpointPage() {
  const name = useParams().name ?? '';
  const endpoint = useGatewayEndpoint(name);
  const manage = canManageGateway(useAuthSession());
  const secrets = useGatewaySecrets(manage);
  const secretsById = useMemo(() => new Map((secrets.data ?? []).map((s) => [s.secret_id, s])), [secrets.data]);
  const [dialog, setDialog] = useState<'edit' | 'delete' | undefined>();
  const frame = (content: React.ReactNode) => <div className="mx-auto max-w-6xl p-6">{content}</div>;
  if (endpoint.error) return frame(<ErrorBanner error={endpoint.error} title="Endpoint" />);
  if (!endpoint.data) return frame(<Spinner label="Loading endpoint" />);
  const e = endpoint.data;
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-6 p-6">
      <div className="flex flex-wrap items-start gap-3">
        <div className="mr-auto">
          <Link to="/gateway" className="text-sm text-zinc-500 hover:underline">
            AI Gateway
          </Link>
          <h1 className="text-xl font-semibold tracking-tight">{e.name}</h1>
        </div>
        {manage ? (
          <div className="flex gap-2 pt-5">
            <Button onClick={() => setDialog('edit')}>Edit</Button>
            <Button variant="danger" onClick={() => setDialog('delete')}>
              Delete
            </Button>
          </div>
        ) : null}
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <EndpointSettings endpoint={e} />
        <EndpointCallSnippet name={e.name} />
      </div>
      <section aria-label="Endpoint models" className="flex flex-col gap-2">
        <h2 className="text-sm font-semibold">Models</h2>
        <EndpointModelsTable endpoint={e} secrets={secretsById} />
      </section>
      <EndpointUsage endpoint={e} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <EndpointTags endpoint={e} manage={manage} />
        <EndpointBindings endpointId={e.endpoint_id} />
      </div>
      {dialog === 'edit' ? <EditEndpointDialog endpoint={e} onClose={() => setDialog(undefined)} /> : null}
      {dialog === 'delete' ? <DeleteEndpointDialog endpoint={e} onClose={() => setDialog(undefined)} /> : null}
    </div>
  );
}
