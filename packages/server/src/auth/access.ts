/**
 * A resource a request touches, named as the request names it. The authorizer resolves it to the
 * resource that holds the permission (its experiment or registered model, docs/adr/0013-auth.md §3).
 */
export type ResourceRef =
  | { type: 'experiment'; id: string }
  | { type: 'experiment-name'; name: string }
  | { type: 'run'; id: string }
  | { type: 'trace'; id: string }
  | { type: 'logged-model'; id: string }
  | { type: 'dataset'; id: string }
  | { type: 'registered-model'; name: string }
  | { type: 'label-schema'; id: string }
  | { type: 'review-queue'; id: string }
  | { type: 'scorer'; id: string };

/** What permissions are granted on: an experiment (by id) or a registered model (by name; prompts too). */
export type Holder = { type: 'experiment'; id: string } | { type: 'registered-model'; name: string };

/**
 * Constructors of {@link ResourceRef}s, for `locate` functions.
 *
 * @example
 * access: read((req) => ref.run(req.run_id)),
 */
export const ref = {
  experiment: (id: string): ResourceRef => ({ type: 'experiment', id }),
  experiments: (ids: readonly string[]): ResourceRef[] => ids.map((id) => ({ type: 'experiment', id })),
  experimentName: (name: string): ResourceRef => ({ type: 'experiment-name', name }),
  run: (id: string): ResourceRef => ({ type: 'run', id }),
  runs: (ids: readonly string[]): ResourceRef[] => ids.map((id) => ({ type: 'run', id })),
  trace: (id: string): ResourceRef => ({ type: 'trace', id }),
  traces: (ids: readonly string[]): ResourceRef[] => ids.map((id) => ({ type: 'trace', id })),
  loggedModel: (id: string): ResourceRef => ({ type: 'logged-model', id }),
  dataset: (id: string): ResourceRef => ({ type: 'dataset', id }),
  registeredModel: (name: string): ResourceRef => ({ type: 'registered-model', name }),
  labelSchema: (id: string): ResourceRef => ({ type: 'label-schema', id }),
  reviewQueue: (id: string): ResourceRef => ({ type: 'review-queue', id }),
  scorers: (ids: readonly string[]): ResourceRef[] => ids.map((id) => ({ type: 'scorer', id })),
} as const;

/** A change to permissions that follows a successful request (MLflow's after-request handlers). */
export type AuthEffect =
  /** The caller gets MANAGE on what it created (MLflow: the creator of an experiment or registered model). */
  | { type: 'grant-creator'; holder: Holder }
  /** Permissions on a renamed registered model follow it. */
  | { type: 'rename-model'; from: string; to: string }
  /** A deleted registered model's permission rows go, so a new model of that name starts clean. */
  | { type: 'forget-model'; name: string };

interface Effects<Req, Reply> {
  /** Changes to permissions once the request succeeded, from the request and the handler's reply. */
  effects?: (req: Req, reply: Reply) => readonly AuthEffect[];
}

/** The resources a request names, from the request. */
export type Locate<Req> = (req: Req) => ResourceRef | readonly ResourceRef[];

/**
 * Permission on resources: every resource `read` names needs READ, `edit` EDIT, `manage` MANAGE (a
 * request may name several: linking traces edits the run and reads the traces); nothing named at
 * all is refused. `filter`: the reply also narrows its rows with {@link Visibility}.
 */
export type ResourceAccess<Req, Reply> = {
  read?: Locate<Req>;
  edit?: Locate<Req>;
  manage?: Locate<Req>;
  filter?: Holder['type'];
} & ({ read: Locate<Req> } | { edit: Locate<Req> } | { manage: Locate<Req> }) &
  Effects<Req, Reply>;

/**
 * Who may call a route, declared next to it (docs/adr/0013-auth.md §2) and checked by the one
 * {@link Authorizer}. `Req` is what the route's handler gets (the decoded request of an RPC, the Hono
 * context of a raw route), so the check and the handler read the same fields.
 *
 * @example
 * access: { edit: (req) => ref.run(req.run_id) },
 * access: { kind: 'admin' },
 */
export type Access<Req = never, Reply = never> =
  /** Anyone, without credentials (`/health`, `/version`). */
  | ({ kind: 'public' } & Effects<Req, Reply>)
  /** Any authenticated principal. */
  | ({ kind: 'authenticated' } & Effects<Req, Reply>)
  /** Admins only. */
  | ({ kind: 'admin' } & Effects<Req, Reply>)
  /** The user the request names is the caller (naming none means the caller), or the caller is an admin. */
  | ({ kind: 'self-or-admin'; username: (req: Req) => string | undefined } & Effects<Req, Reply>)
  /** Any principal; the handler narrows its reply to the rows {@link Visibility} says are readable. */
  | ({ kind: 'filtered'; holder: Holder['type'] } & Effects<Req, Reply>)
  | ({ kind?: undefined } & ResourceAccess<Req, Reply>);

/** Which rows a `filtered` route may show its caller. */
export interface Visibility {
  experiment(id: string): boolean;
  registeredModel(name: string): boolean;
}

/** Everything is visible (admins, auth off, routes that are not `filtered`). */
export const ALL_VISIBLE: Visibility = { experiment: () => true, registeredModel: () => true };

/**
 * The effect that gives the creator MANAGE on what it created.
 *
 * @example
 * effects: (_req, reply) => [grantCreator({ type: 'experiment', id: reply.experiment_id })],
 */
export function grantCreator(holder: Holder): AuthEffect {
  return { type: 'grant-creator', holder };
}

/** `access: ADMIN`: admins only. */
export const ADMIN = { kind: 'admin' } as const;
/** `access: AUTHENTICATED`: any principal. */
export const AUTHENTICATED = { kind: 'authenticated' } as const;
/** `access: PUBLIC`: no credentials needed. */
export const PUBLIC = { kind: 'public' } as const;
