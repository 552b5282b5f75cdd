/**
 * `@loupe/openai`: one line to trace the OpenAI Node SDK (`openai`, also `AzureOpenAI`) with Loupe.
 *
 * @example
 * import OpenAI from 'openai';
 * import { init } from '@loupe/sdk';
 * import { traceOpenAI } from '@loupe/openai';
 * init();
 * const client = traceOpenAI(new OpenAI());
 */
export { traceOpenAI, type TraceOpenAIOptions } from './trace-openai.js';
