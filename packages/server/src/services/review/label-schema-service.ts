import { ApiError, type LabelSchemaInput, type LabelSchemaType } from '@loupe/protocol';
import type { Clock } from '../../clock.js';
import type { LabelSchemaRecord, ReviewStore } from '../../store/review-store.js';
import type { ExperimentService } from '../experiment-service.js';
import { nextPageToken, pageRequest } from '../pagination.js';

/** A new label schema (checked at the edge). */
export interface CreateLabelSchemaCommand {
  experimentId: string;
  name: string;
  type: LabelSchemaType;
  input: LabelSchemaInput;
  title?: string;
  instruction?: string;
  enableComment?: boolean;
}

/** A sparse update (absent: unchanged); `type` may only repeat the schema's own. */
export interface UpdateLabelSchemaCommand {
  name?: string;
  title?: string;
  instruction?: string;
  enableComment?: boolean;
  input?: LabelSchemaInput;
  type?: LabelSchemaType;
}

/** A page of label schemas. */
export interface LabelSchemaPage {
  schemas: LabelSchemaRecord[];
  nextPageToken?: string;
}

function taken(name: string, experimentId: string): ApiError {
  return ApiError.alreadyExists(`Label schema with name '${name}' already exists in experiment ${experimentId}.`);
}

/**
 * Label schemas (MLflow's `label_schemas.proto`; spec §8.3): the questions of human review, one
 * experiment's each. A schema only describes the widget; answers are assessments named after it
 * (source HUMAN), written through the assessments API and never checked against the schema (MLflow's
 * rule: schemas do not gate assessment writes).
 *
 * @example
 * const schema = await labelSchemas.create({ experimentId: '1', name: 'correct', type: 'FEEDBACK', input: { pass_fail: { positive_label: 'Yes', negative_label: 'No' } } });
 */
export class LabelSchemaService {
  constructor(
    private readonly store: ReviewStore,
    private readonly experiments: ExperimentService,
    private readonly clock: Clock,
    private readonly newId: () => string,
  ) {}

  async create(command: CreateLabelSchemaCommand): Promise<LabelSchemaRecord> {
    await this.experiments.get(command.experimentId);
    const now = this.clock.now();
    const record: LabelSchemaRecord = {
      schemaId: this.newId(),
      experimentId: command.experimentId,
      name: command.name,
      type: command.type,
      enableComment: command.enableComment ?? false,
      input: command.input,
      createdTime: now,
      lastUpdateTime: now,
    };
    if (command.title !== undefined) record.title = command.title;
    if (command.instruction !== undefined) record.instruction = command.instruction;
    if ((await this.store.createLabelSchema(record)) === 'taken') throw taken(command.name, command.experimentId);
    return record;
  }

  async get(schemaId: string): Promise<LabelSchemaRecord> {
    const schema = await this.store.getLabelSchema(schemaId);
    if (!schema) throw ApiError.notFound(`Label schema with ID '${schemaId}' not found.`);
    return schema;
  }

  async getByName(experimentId: string, name: string): Promise<LabelSchemaRecord> {
    const schema = await this.store.getLabelSchemaByName(experimentId, name);
    if (!schema) throw ApiError.notFound(`Label schema with name '${name}' not found in experiment ${experimentId}.`);
    return schema;
  }

  async list(experimentId: string, maxResults: number, pageToken: string | undefined): Promise<LabelSchemaPage> {
    await this.experiments.get(experimentId);
    const page = pageRequest(pageToken, maxResults);
    const found = await this.store.listLabelSchemas(experimentId, page);
    const next = nextPageToken(page, found.hasMore);
    return next ? { schemas: found.items, nextPageToken: next } : { schemas: found.items };
  }

  async update(schemaId: string, command: UpdateLabelSchemaCommand): Promise<LabelSchemaRecord> {
    const existing = await this.get(schemaId);
    if (command.type !== undefined && command.type !== existing.type) {
      throw ApiError.invalid(`Label schema \`type\` is immutable; got ${command.type} for a ${existing.type} schema.`);
    }
    const { type: _type, ...changes } = command;
    const updated = await this.store.updateLabelSchema(schemaId, { ...changes, lastUpdateTime: this.clock.now() });
    if (updated === 'taken') throw taken(command.name ?? existing.name, existing.experimentId);
    if (!updated) throw ApiError.notFound(`Label schema with ID '${schemaId}' not found.`);
    return updated;
  }

  /** Deleting a schema that is not there succeeds (MLflow's DeleteLabelSchema is a no-op then). */
  async delete(schemaId: string): Promise<void> {
    await this.store.deleteLabelSchema(schemaId);
  }
}
