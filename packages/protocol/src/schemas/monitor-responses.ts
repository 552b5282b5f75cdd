import { z } from 'zod';
import { MonitorEventJson, MonitorJson } from '../entities/monitors.js';

/** Reply schemas of Loupe's monitor routes (docs/api.md "Monitors"), as they go on the wire. */

/** Create, Get, Update and Evaluate of a monitor. */
export const GetMonitor = z.strictObject({ monitor: MonitorJson });
export const ListMonitors = z.strictObject({ monitors: z.array(MonitorJson).optional(), next_page_token: z.string().optional() });
export const ListMonitorEvents = z.strictObject({ events: z.array(MonitorEventJson).optional(), next_page_token: z.string().optional() });
