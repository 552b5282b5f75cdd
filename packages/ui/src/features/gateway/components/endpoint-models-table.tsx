import type { GatewayEndpoint, GatewaySecretInfo } from '@loupe/protocol';
import { LIST_ROW } from '../../../shared/components/list-table';
import { endpointModelRoles, type EndpointModelRole } from '../lib/endpoint-config';
import { maskedSummary, providerSpec } from '../lib/providers';

/** What a model does for the endpoint: its share of calls, or when it is tried. */
function traffic(role: EndpointModelRole): string {
  if (role.share !== undefined) return role.share > 0 ? `${Number((role.share * 100).toFixed(1))}%` : '0% (not routed)';
  return role.turn !== undefined ? 'When the models before fail' : 'Never (past max attempts)';
}

/**
 * An endpoint's models in the order the gateway uses them: role, model, provider, weight, share of
 * traffic and the API key it calls with (masked, when `secrets` could be read).
 *
 * @example
 * <EndpointModelsTable endpoint={endpoint} secrets={secretsById} />
 */
export function EndpointModelsTable({ endpoint, secrets }: { endpoint: GatewayEndpoint; secrets: ReadonlyMap<string, GatewaySecretInfo> }) {
  const roles = endpointModelRoles(endpoint);
  const primaries = roles.filter((r) => r.share !== undefined).length;
  return (
    <div className="overflow-hidden rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <table className="w-full text-sm" aria-label="Models">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-left text-xs font-medium text-zinc-500 uppercase dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
          <tr>
            <th className="px-4 py-2 font-medium">Role</th>
            <th className="px-4 py-2 font-medium">Model</th>
            <th className="px-4 py-2 font-medium">Provider</th>
            <th className="px-4 py-2 text-right font-medium">Weight</th>
            <th className="px-4 py-2 font-medium">Traffic</th>
            <th className="px-4 py-2 font-medium">API key</th>
          </tr>
        </thead>
        <tbody>
          {roles.map((role, i) => {
            const { mapping } = role;
            const d = mapping.model_definition;
            const secret = d?.secret_id ? secrets.get(d.secret_id) : undefined;
            return (
              <tr key={mapping.mapping_id} className={LIST_ROW}>
                <td className="px-4 py-2.5">
                  {role.share !== undefined ? (
                    <span className="rounded bg-indigo-50 px-1.5 py-0.5 text-xs font-medium text-indigo-700 dark:bg-indigo-500/15 dark:text-indigo-300">
                      Primary
                    </span>
                  ) : (
                    <span className="rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-medium text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300">
                      Fallback {i - primaries + 1}
                    </span>
                  )}
                </td>
                <td className="px-4 py-2.5">
                  <div className="font-medium">{d?.name ?? mapping.model_definition_id}</div>
                  {d ? <div className="font-mono text-xs text-zinc-500">{d.model_name}</div> : null}
                </td>
                <td className="px-4 py-2.5">{d ? providerSpec(d.provider).label : '—'}</td>
                <td className="px-4 py-2.5 text-right tabular-nums">{role.share !== undefined ? (mapping.weight ?? 1) : '—'}</td>
                <td className="px-4 py-2.5 text-zinc-600 dark:text-zinc-400">{traffic(role)}</td>
                <td className="px-4 py-2.5">
                  {d?.secret_name ?? <span className="text-amber-700 dark:text-amber-400">none</span>}
                  {secret ? <span className="ml-2 font-mono text-xs text-zinc-500">{maskedSummary(secret.masked_values)}</span> : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
