import { describeOnBackend, testBackends } from '../../testing/backends.js';
import { openSqlStores } from '../../testing/sql-stores.js';
import { assessmentStoreContract } from '../contract/assessment-store.contract.js';
import { experimentStoreContract } from '../contract/experiment-store.contract.js';
import { loggedModelStoreContract } from '../contract/logged-model-store.contract.js';
import { runStoreContract } from '../contract/run-store.contract.js';
import { traceSearchContract } from '../contract/trace-search.contract.js';
import { traceEndScanContract } from '../contract/trace-end-scan.contract.js';
import { traceStoreContract } from '../contract/trace-store.contract.js';
import { traceMetricsContract } from '../contract/trace-metrics.contract.js';
import { traceLinkStoreContract } from '../contract/trace-link-store.contract.js';
import { registryStoreContract } from '../contract/registry-store.contract.js';
import { reviewStoreContract } from '../contract/review-store.contract.js';
import { datasetStoreContract } from '../contract/dataset-store.contract.js';
import { scorerStoreContract } from '../contract/scorer-store.contract.js';
import { authStoreContract } from '../contract/auth-store.contract.js';
import { apiTokenAuditContract } from '../contract/api-token-audit.contract.js';
import { gatewayStoreContract } from '../contract/gateway-store.contract.js';
import { monitorStoreContract } from '../contract/monitor-store.contract.js';

for (const backend of await testBackends()) {
  describeOnBackend(backend, 'SQL stores', () => {
    const open = () => openSqlStores(backend);
    experimentStoreContract(open);
    runStoreContract(open);
    loggedModelStoreContract(open);
    traceStoreContract(open);
    traceSearchContract(open);
    traceEndScanContract(open);
    assessmentStoreContract(open);
    traceMetricsContract(open);
    traceLinkStoreContract(open);
    registryStoreContract(open);
    reviewStoreContract(open);
    datasetStoreContract(open);
    scorerStoreContract(open);
    authStoreContract(open);
    apiTokenAuditContract(open);
    gatewayStoreContract(open);
    monitorStoreContract(open);
  });
}
