import { z } from 'zod';
import { AssessmentJson } from '../entities/assessments.js';

export { Empty } from './tracking-responses.js';

/** Reply schemas of the assessment RPCs (spec §5) as they go on the wire. */

export const CreateAssessment = z.strictObject({ assessment: AssessmentJson });
export const GetAssessment = CreateAssessment;
export const UpdateAssessment = CreateAssessment;
