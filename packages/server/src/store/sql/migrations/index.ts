import type { Kysely } from 'kysely';
import type { SqlDialect } from '../dialects/sql-dialect.js';
import * as m0001 from './0001-tracking.js';
import * as m0002 from './0002-traces.js';
import * as m0003 from './0003-assessments.js';
import * as m0004 from './0004-trace-links.js';
import * as m0005 from './0005-trace-usage.js';
import * as m0006 from './0006-span-text.js';
import * as m0007 from './0007-trace-keys.js';
import * as m0008 from './0008-span-text-postgres.js';
import * as m0009 from './0009-model-registry.js';
import * as m0010 from './0010-jobs.js';
import * as m0011 from './0011-webhooks.js';
import * as m0012 from './0012-evaluation-datasets.js';
import * as m0013 from './0013-review-queues.js';
import * as m0014 from './0014-auth.js';
import * as m0015 from './0015-api-tokens-audit.js';
import * as m0016 from './0016-browser-sessions.js';
import * as m0017 from './0017-gateway.js';
import * as m0018 from './0018-scorers.js';
import * as m0019 from './0019-monitors.js';
import * as m0020 from './0020-gateway-usage.js';
import * as m0021 from './0021-online-scoring.js';
import * as m0022 from './0022-job-retention.js';
import * as m0023 from './0023-trace-end-index.js';
import * as m0024 from './0024-login-failures.js';

/** A numbered schema change; `up` gets the dialect for the few types that differ. */
export interface SqlMigration {
  up(db: Kysely<unknown>, dialect: SqlDialect): Promise<void>;
}

/** Every migration, in order. Names sort lexically; never rename or edit a released one. */
export const MIGRATIONS: Readonly<Record<string, SqlMigration>> = {
  '0001-tracking': m0001,
  '0002-traces': m0002,
  '0003-assessments': m0003,
  '0004-trace-links': m0004,
  '0005-trace-usage': m0005,
  '0006-span-text': m0006,
  '0007-trace-keys': m0007,
  '0008-span-text-postgres': m0008,
  '0009-model-registry': m0009,
  '0010-jobs': m0010,
  '0011-webhooks': m0011,
  '0012-evaluation-datasets': m0012,
  '0013-review-queues': m0013,
  '0014-auth': m0014,
  '0015-api-tokens-audit': m0015,
  '0016-browser-sessions': m0016,
  '0017-gateway': m0017,
  '0018-scorers': m0018,
  '0019-monitors': m0019,
  '0020-gateway-usage': m0020,
  '0021-online-scoring': m0021,
  '0022-job-retention': m0022,
  '0023-trace-end-index': m0023,
  '0024-login-failures': m0024,
};
