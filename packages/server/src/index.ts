/**
 * `@loupe/server`: the Loupe tracking server as a library. Most users run the `loupe` CLI instead.
 */
export { resolveServerConfig, parseCommand, type ServerConfig, type ServerOptions } from './config/config.js';
export { createLoupe, startServer, upgradeDatabase, indexSpanText, loupeVersion, type Loupe, type RunningServer, type Dependencies } from './main.js';
export { createApp, MLFLOW_API_VERSION } from './http/app.js';
export { StartupError } from './startup-error.js';
export type { ActiveOnlineScorer } from './services/scorers/scorer-service.js';
