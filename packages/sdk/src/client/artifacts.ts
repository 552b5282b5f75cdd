import fs from 'node:fs';
import path from 'node:path';
import type { FileInfo, Run } from '@loupe/protocol';
import type { RestClient } from './rest-client.js';
import type { RequestBody } from './transport.js';

/** Artifact methods of {@link LoupeClient}. Uploads stream through the server's proxied artifact API. */
export interface ArtifactMethods {
  /**
   * Uploads a local file (streamed, never read whole) into the run's artifacts, under `artifactDir`
   * (default the root), keeping its file name. Returns the artifact path.
   */
  logArtifact(runId: string, localPath: string, artifactDir?: string): Promise<string>;
  /** Uploads text, bytes or a stream as the artifact `artifactPath` of the run. */
  logArtifactData(runId: string, data: RequestBody, artifactPath: string): Promise<void>;
  /** The run's artifacts directly under `dirPath` (default the root). */
  listArtifacts(runId: string, dirPath?: string): Promise<FileInfo[]>;
  /** Downloads one artifact: the response, to stream (`res.body`) or read (`await res.text()`). */
  downloadArtifact(runId: string, artifactPath: string): Promise<Response>;
  /** Uploads a file or data into a logged model's artifacts (then `finalizeLoggedModel`). */
  logModelArtifactData(modelId: string, data: RequestBody, artifactPath: string): Promise<void>;
}

type Self = { rest: RestClient; getRun(runId: string): Promise<Run> };

/**
 * The proxied-artifact path for an `mlflow-artifacts:` URI (spec §2.6), or null for any other URI.
 *
 * @example
 * proxiedArtifactPath('mlflow-artifacts:/1/abc/artifacts', 'notes/a.txt'); // '/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts/notes/a.txt'
 */
export function proxiedArtifactPath(artifactUri: string, relative: string): string | null {
  const match = /^mlflow-artifacts:(?:\/\/[^/]+)?\/?(.*)$/.exec(artifactUri);
  if (!match) return null;
  const parts = [...(match[1] as string).split('/'), ...relative.split('/')].filter((p) => p !== '');
  return `/api/2.0/mlflow-artifacts/artifacts/${parts.map(encodeURIComponent).join('/')}`;
}

function uploadPathOrThrow(artifactUri: string, relative: string): string {
  const p = proxiedArtifactPath(artifactUri, relative);
  if (p === null) throw new Error(`artifact URI ${artifactUri} is not served by the tracking server (start it with --serve-artifacts)`);
  return p;
}

async function put(rest: RestClient, urlPath: string, data: RequestBody): Promise<void> {
  await rest.raw({ method: 'PUT', path: urlPath, headers: { 'content-type': 'application/octet-stream' }, body: data });
}

/** Implementation of {@link ArtifactMethods}, mixed into {@link LoupeClient}. */
export const artifactMethods: ArtifactMethods & ThisType<Self> = {
  async logArtifact(runId, localPath, artifactDir = '') {
    const run = await this.getRun(runId);
    const artifactPath = [artifactDir, path.basename(localPath)].filter(Boolean).join('/');
    await put(this.rest, uploadPathOrThrow(run.info.artifact_uri, artifactPath), fs.createReadStream(localPath));
    return artifactPath;
  },
  async logArtifactData(runId, data, artifactPath) {
    const run = await this.getRun(runId);
    await put(this.rest, uploadPathOrThrow(run.info.artifact_uri, artifactPath), data);
  },
  async listArtifacts(runId, dirPath) {
    const res = await this.rest.get<{ files?: FileInfo[] }>('/api/2.0/mlflow/artifacts/list', { run_id: runId, ...(dirPath ? { path: dirPath } : {}) });
    return res.files ?? [];
  },
  downloadArtifact(runId, artifactPath) {
    return this.rest.raw({ method: 'GET', path: '/get-artifact', query: { run_id: runId, path: artifactPath } });
  },
  async logModelArtifactData(modelId, data, artifactPath) {
    const res = await this.rest.get<{ model: { info: { artifact_uri: string } } }>(`/api/2.0/mlflow/logged-models/${encodeURIComponent(modelId)}`);
    await put(this.rest, uploadPathOrThrow(res.model.info.artifact_uri, artifactPath), data);
  },
};
