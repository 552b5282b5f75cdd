/**
 * The verdict reader lives in `@loupe/llm` (shared with the server's online judges); the judges
 * import it from here.
 */
export { parseVerdict, verdictInstructions, verdictSchema, type Verdict, type VerdictType } from '@loupe/llm';
