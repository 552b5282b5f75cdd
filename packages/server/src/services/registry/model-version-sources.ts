import path from 'node:path';
import { ApiError, type ModelVersionStage } from '@loupe/protocol';
import { localPathOfUri } from '../../store/artifacts/artifact-uri.js';
import type { LoggedModelRecord } from '../../store/logged-model-store.js';
import type { ModelVersionRecord } from '../../store/registry-store.js';
import type { RunInfoRecord } from '../../store/tracking-store.js';
import { appendToUri } from '../validation.js';
import { checkSourceTraversal, isLocalSource, parseModelsUri, parseRunsUri, parseUri } from './source-uris.js';

/** What checking and resolving sources needs: runs, logged models, the registry's own versions, the server's pattern. */
export interface ModelVersionSourcesOptions {
  runs: { getInfo(runId: string): Promise<RunInfoRecord> };
  loggedModels: { get(modelId: string, allowDeleted?: boolean): Promise<LoggedModelRecord> };
  /** Versions a `models:/name/...` source names (the registry service). */
  versions: {
    getModelVersion(name: string, version: number): Promise<ModelVersionRecord>;
    getModelVersionByAlias(name: string, alias: string): Promise<ModelVersionRecord>;
    getLatestVersions(name: string, stages: ModelVersionStage[]): Promise<ModelVersionRecord[]>;
  };
  /** MLflow's `MLFLOW_CREATE_MODEL_VERSION_SOURCE_VALIDATION_REGEX`. */
  sourceValidationRegex?: RegExp | undefined;
}

/**
 * A new model version's source (spec §6.2), checked as MLflow 3.11's `CreateModelVersion` handler
 * checks it and resolved to where its files are.
 *
 * @example
 * const sources = new ModelVersionSources({ runs, loggedModels, versions: registry });
 * await sources.check('runs:/abc/model', { isPrompt: false, runId: 'abc' });
 */
export class ModelVersionSources {
  constructor(private readonly options: ModelVersionSourcesOptions) {}

  /**
   * The server's source pattern first; then for prompts no local path; otherwise a local source must
   * lie in the artifact folder of the logged model (`model_id`) or run (`run_id`) given, and any other
   * source must not climb out of its path.
   */
  async check(source: string, request: { isPrompt: boolean; runId?: string | undefined; loggedModel?: LoggedModelRecord | undefined }): Promise<void> {
    const regex = this.options.sourceValidationRegex;
    if (regex && !regex.test(source)) throw ApiError.invalid(`Invalid model version source: '${source}'.`);
    if (request.isPrompt) return checkPromptSource(source);
    if (request.loggedModel) return checkLocalSource(source, request.loggedModel.artifactUri, 'model_id');
    const run = request.runId && isLocalSource(source) ? await this.options.runs.getInfo(request.runId) : undefined;
    checkLocalSource(source, run?.artifactUri, 'run_id');
  }

  /**
   * Where a source's files are: a logged model's artifact location (`models:/m-...`), another version's
   * (`models:/name/3`, `@alias`, `/latest`, `/<stage>`), a run's artifact folder (`runs:/id/path`, when
   * the run exists); nothing for other sources (the source itself is the location). A `models:/` URI
   * naming nothing is RESOURCE_DOES_NOT_EXIST.
   */
  async resolve(source: string): Promise<{ storageLocation?: string; runId?: string }> {
    const runs = parseRunsUri(source);
    if (runs) {
      const run = await this.options.runs.getInfo(runs.runId).catch((err: unknown) => {
        if (ApiError.is(err) && err.status === 404) return undefined;
        throw err;
      });
      return run ? { storageLocation: runs.path ? appendToUri(run.artifactUri, runs.path) : run.artifactUri } : {};
    }
    const uri = parseModelsUri(source);
    if (!uri) return {};
    try {
      if (uri.kind === 'logged-model') {
        const model = await this.options.loggedModels.get(uri.modelId, true);
        return { storageLocation: model.artifactUri, ...(model.sourceRunId ? { runId: model.sourceRunId } : {}) };
      }
      const versions = this.options.versions;
      let version: ModelVersionRecord | undefined;
      if (uri.kind === 'version') version = await versions.getModelVersion(uri.name, uri.version);
      else if (uri.kind === 'alias') version = await versions.getModelVersionByAlias(uri.name, uri.alias);
      else if (uri.kind === 'latest') version = await versions.getModelVersionByAlias(uri.name, 'latest');
      else {
        const stage = uri.stage.toLowerCase();
        version = (await versions.getLatestVersions(uri.name, [])).find((v) => v.currentStage.toLowerCase() === stage);
        if (!version) throw ApiError.notFound(`No versions of model with name '${uri.name}' and stage '${uri.stage}' found`);
      }
      return { storageLocation: version.storageLocation ?? version.source, ...(version.runId ? { runId: version.runId } : {}) };
    } catch (err) {
      const reason = ApiError.is(err) ? err.message : String(err);
      throw ApiError.notFound(`Unable to fetch model from model URI source artifact location '${source}'. Error: ${reason}`);
    }
  }
}

/** Prompt versions take placeholder sources (`prompt-template`, `dummy-source`) but no local paths. */
function checkPromptSource(source: string): void {
  const { scheme } = parseUri(source);
  if (scheme === 'file' || (scheme === '' && source.startsWith('/'))) {
    throw ApiError.invalid(`Invalid prompt source: '${source}'. Local source paths are not allowed for prompts.`);
  }
  if (scheme !== '') checkSourceTraversal(source);
}

/** A local source must lie in `artifactUri` (itself local); any other source must not climb out of its path. */
function checkLocalSource(source: string, artifactUri: string | undefined, idParam: 'run_id' | 'model_id'): void {
  if (!isLocalSource(source)) {
    checkSourceTraversal(source);
    return;
  }
  const sourcePath = localPathOfUri(source);
  const root = artifactUri === undefined ? null : localPathOfUri(artifactUri);
  if (sourcePath !== null && root !== null) {
    const rel = path.relative(root, sourcePath);
    if (rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel))) return;
  }
  throw ApiError.invalid(
    `Invalid model version source: '${sourcePath ?? source}'. To use a local path as a model version source, the ${idParam} request parameter has to be specified and the local path has to be contained within the artifact directory of the run specified by the ${idParam}.`,
  );
}
