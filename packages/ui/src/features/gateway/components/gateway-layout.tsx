import { Outlet } from 'react-router';
import { TabLinks, type TabLink } from '../../../shared/components/tab-links';
import { useAuthSession } from '../../settings/hooks/use-auth-session';
import { canManageGateway } from '../lib/gateway-access';

/**
 * The AI gateway's frame: its title and tabs (Endpoints; Models, API keys and Budgets for those who
 * manage the gateway), the tab's page below.
 *
 * @example
 * { path: '/gateway', element: <GatewayLayout />, children: [{ index: true, element: <EndpointsPage /> }] }
 */
export function GatewayLayout() {
  const manage = canManageGateway(useAuthSession());
  const tabs: TabLink[] = [
    { label: 'Endpoints', to: '/gateway', end: true },
    ...(manage
      ? [
          { label: 'Models', to: '/gateway/models' },
          { label: 'API keys', to: '/gateway/secrets' },
          { label: 'Budgets', to: '/gateway/budgets' },
        ]
      : []),
  ];
  return (
    <div className="mx-auto flex max-w-6xl flex-col gap-4 p-6">
      <div>
        <h1 className="text-xl font-semibold tracking-tight">AI Gateway</h1>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          One OpenAI-compatible URL in front of your providers, with routing, fallbacks, budgets and a trace of every call.
        </p>
      </div>
      <TabLinks label="Gateway" tabs={tabs} />
      <Outlet />
    </div>
  );
}

/**
 * A gateway tab's line above its list: what the tab holds, and its action on the right.
 *
 * @example
 * <GatewayToolbar hint="API keys are stored encrypted."><Button>New API key</Button></GatewayToolbar>
 */
export function GatewayToolbar({ hint, children }: { hint: React.ReactNode; children?: React.ReactNode }) {
  return (
    <div className="flex items-center gap-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">{hint}</p>
      <div className="ml-auto flex gap-2">{children}</div>
    </div>
  );
}
