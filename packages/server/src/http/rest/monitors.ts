import { MonitorRequests as R, MonitorResponses as W, TrackingResponses } from '@loupe/protocol';
import { rpc } from '../rpc.js';
import { monitorEventJson, monitorJson } from '../wire/monitor-json.js';
import { ref } from '../../auth/access.js';

const MONITORS = '/loupe/monitors';

/**
 * Loupe's monitor routes (documented in docs/api.md "Monitors"), under `/api/2.0` and `/ajax-api/2.0`.
 * A monitor inherits its experiment's permissions: READ to see it and its history, EDIT to create,
 * change, delete or evaluate it.
 */
export const monitorRoutes = [
  rpc({
    method: 'POST',
    path: MONITORS,
    versions: [2],
    request: R.CreateMonitor,
    response: W.GetMonitor,
    access: { edit: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => ({
      monitor: monitorJson(
        await services.monitors.create({
          experimentId: req.experiment_id,
          name: req.name,
          ...(req.description !== undefined && req.description !== '' ? { description: req.description } : {}),
          metric: req.metric,
          ...(req.assessment_name !== undefined ? { assessmentName: req.assessment_name } : {}),
          ...(req.filter_string !== undefined ? { filterString: req.filter_string } : {}),
          comparator: req.comparator,
          threshold: req.threshold,
          windowMs: req.window_ms,
          intervalMs: req.interval_ms,
          minSamples: req.min_samples,
          enabled: req.enabled,
        }),
      ),
    }),
  }),
  rpc({
    method: 'GET',
    path: MONITORS,
    versions: [2],
    request: R.ListMonitors,
    response: W.ListMonitors,
    access: { read: (req) => ref.experiment(req.experiment_id) },
    handle: async (req, { services }) => {
      const page = await services.monitors.list(req.experiment_id, req.max_results, req.page_token);
      return { monitors: page.monitors.map(monitorJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  }),
  rpc({
    method: 'GET',
    path: `${MONITORS}/:monitor_id`,
    versions: [2],
    request: R.MonitorIdOnly,
    response: W.GetMonitor,
    access: { read: (req) => ref.monitor(req.monitor_id) },
    handle: async (req, { services }) => ({ monitor: monitorJson(await services.monitors.get(req.monitor_id)) }),
  }),
  rpc({
    method: 'PATCH',
    path: `${MONITORS}/:monitor_id`,
    versions: [2],
    request: R.UpdateMonitor,
    response: W.GetMonitor,
    access: { edit: (req) => ref.monitor(req.monitor_id) },
    handle: async (req, { services }) => ({
      monitor: monitorJson(
        await services.monitors.update(req.monitor_id, {
          ...(req.name !== undefined ? { name: req.name } : {}),
          ...(req.description !== undefined ? { description: req.description } : {}),
          ...(req.metric !== undefined ? { metric: req.metric } : {}),
          ...(req.assessment_name !== undefined ? { assessmentName: req.assessment_name } : {}),
          ...(req.filter_string !== undefined ? { filterString: req.filter_string } : {}),
          ...(req.comparator !== undefined ? { comparator: req.comparator } : {}),
          ...(req.threshold !== undefined ? { threshold: req.threshold } : {}),
          ...(req.window_ms !== undefined ? { windowMs: req.window_ms } : {}),
          ...(req.interval_ms !== undefined ? { intervalMs: req.interval_ms } : {}),
          ...(req.min_samples !== undefined ? { minSamples: req.min_samples } : {}),
          ...(req.enabled !== undefined ? { enabled: req.enabled } : {}),
        }),
      ),
    }),
  }),
  rpc({
    method: 'DELETE',
    path: `${MONITORS}/:monitor_id`,
    versions: [2],
    request: R.MonitorIdOnly,
    response: TrackingResponses.Empty,
    access: { edit: (req) => ref.monitor(req.monitor_id) },
    handle: (req, { services }) => services.monitors.delete(req.monitor_id),
  }),
  rpc({
    method: 'POST',
    path: `${MONITORS}/:monitor_id/evaluate`,
    versions: [2],
    request: R.MonitorIdOnly,
    response: W.GetMonitor,
    access: { edit: (req) => ref.monitor(req.monitor_id) },
    handle: async (req, { services }) => ({ monitor: monitorJson(await services.monitors.evaluateNow(req.monitor_id)) }),
  }),
  rpc({
    method: 'GET',
    path: `${MONITORS}/:monitor_id/events`,
    versions: [2],
    request: R.ListMonitorEvents,
    response: W.ListMonitorEvents,
    access: { read: (req) => ref.monitor(req.monitor_id) },
    handle: async (req, { services }) => {
      const page = await services.monitors.events(req.monitor_id, req.max_results, req.page_token);
      return { events: page.events.map(monitorEventJson), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) };
    },
  }),
];
