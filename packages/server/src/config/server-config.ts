/** Everything the server needs to start, resolved from flags, then environment, then defaults. */
export interface ServerConfig {
  host: string;
  port: number;
  /** `sqlite:///relative.db`, `sqlite:////abs/path.db`, `sqlite://:memory:`, or `postgresql://...`. */
  backendStoreUri: string;
  /** Root URI new experiments get their artifact location under. */
  defaultArtifactRoot: string;
  /** Local folder behind the proxied artifact service (`mlflow-artifacts:/`). */
  artifactsDestination: string;
  serveArtifacts: boolean;
  /** Largest JSON request body, in bytes. */
  maxJsonBodyBytes: number;
  /** Milliseconds SIGTERM waits for in-flight requests before closing. */
  shutdownGraceMs: number;
  /** Days traces are kept when their experiment does not say (`loupe.trace.retentionDays`); undefined: forever. */
  traceRetentionDays?: number;
  /** Milliseconds between trace retention passes. */
  traceRetentionIntervalMs: number;
  /** Worker threads that decode OTLP bodies; 0 decodes on the request thread. */
  otlpDecodeThreads: number;
  /** A regular expression every new model version's `source` must match (MLflow's MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX); undefined: any. */
  modelVersionSourceRegex?: string;
  /**
   * Folder of the built web UI served at `/` (a code option, for tests); unset: the `ui` folder beside
   * the server's entry point, where the build puts it; null: serve no UI.
   */
  uiRoot?: string | null;
}
