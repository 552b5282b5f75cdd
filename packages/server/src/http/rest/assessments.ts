import { AssessmentRequests as R } from '@loupe/protocol';
import { rpc } from '../rpc.js';

/** Assessment RPCs (spec §5), all under `/api/3.0/mlflow/traces/{trace_id}/assessments`. */
export const assessmentRoutes = [
  rpc({
    method: 'POST',
    path: '/mlflow/traces/:trace_id/assessments',
    versions: [3],
    request: R.CreateAssessment,
    handle: (req, { services }) => services.assessments.create(req),
  }),
  rpc({
    method: 'GET',
    path: '/mlflow/traces/:trace_id/assessments/:assessment_id',
    versions: [3],
    request: R.AssessmentRef,
    handle: (req, { services }) => services.assessments.get(req),
  }),
  rpc({
    method: 'PATCH',
    path: '/mlflow/traces/:trace_id/assessments/:assessment_id',
    versions: [3],
    request: R.UpdateAssessment,
    handle: (req, { services }) => services.assessments.update(req),
  }),
  rpc({
    method: 'DELETE',
    path: '/mlflow/traces/:trace_id/assessments/:assessment_id',
    versions: [3],
    request: R.AssessmentRef,
    handle: (req, { services }) => services.assessments.delete(req),
  }),
];
