import type { Monitor, MonitorEvent } from '@loupe/protocol';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../shared/api/http-client';

const BASE = '2.0/loupe/monitors';

/**
 * An experiment's monitors, oldest first; read again every 10 s while shown, so states follow the
 * background evaluations.
 *
 * @example
 * const { data: monitors } = useMonitors('1');
 */
export function useMonitors(experimentId: string) {
  return useQuery({
    queryKey: ['monitors', 'list', experimentId],
    queryFn: async ({ signal }) =>
      (await apiRequest<{ monitors?: Monitor[] }>('GET', BASE, { query: { experiment_id: experimentId, max_results: 1000 }, signal })).monitors ?? [],
    refetchInterval: 10_000,
  });
}

/**
 * A monitor's state changes, newest first.
 *
 * @example
 * const { data: events } = useMonitorEvents('m-1');
 */
export function useMonitorEvents(monitorId: string) {
  return useQuery({
    queryKey: ['monitors', 'events', monitorId],
    queryFn: async ({ signal }) =>
      (await apiRequest<{ events?: MonitorEvent[] }>('GET', `${BASE}/${encodeURIComponent(monitorId)}/events`, { query: { max_results: 100 }, signal }))
        .events ?? [],
    refetchInterval: 10_000,
  });
}

/**
 * Creating a monitor in an experiment (`body`: see `monitorBody`).
 *
 * @example
 * useCreateMonitor('1').mutate(monitorBody(values));
 */
export function useCreateMonitor(experimentId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: Record<string, unknown>) => apiRequest<{ monitor: Monitor }>('POST', BASE, { body: { ...body, experiment_id: experimentId } }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['monitors'] }),
  });
}

/**
 * Changing a monitor's settings.
 *
 * @example
 * useUpdateMonitor().mutate({ id: 'm-1', body: { enabled: false } });
 */
export function useUpdateMonitor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) =>
      apiRequest<{ monitor: Monitor }>('PATCH', `${BASE}/${encodeURIComponent(id)}`, { body }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['monitors'] }),
  });
}

/**
 * "Evaluate now": the monitor measured at once; its list and history are read again.
 *
 * @example
 * useEvaluateMonitor().mutate('m-1');
 */
export function useEvaluateMonitor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest<{ monitor: Monitor }>('POST', `${BASE}/${encodeURIComponent(id)}/evaluate`, { body: {} }),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['monitors'] }),
  });
}

/**
 * Deleting a monitor with its history.
 *
 * @example
 * useDeleteMonitor().mutate('m-1');
 */
export function useDeleteMonitor() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiRequest<Record<string, never>>('DELETE', `${BASE}/${encodeURIComponent(id)}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: ['monitors'] }),
  });
}
