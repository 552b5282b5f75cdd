import type { Kysely } from 'kysely';

/**
 * The AI gateway's configuration (MLflow 3.9+'s `secrets`, `model_definitions`, `endpoints`,
 * `endpoint_model_mappings`, `endpoint_tags`, `endpoint_bindings` and `budget_policies`; spec §11.2).
 * A secret's value is stored only encrypted (AES-256-GCM, bound to its id) plus a masked form for
 * display. Deleting a secret orphans its model definitions (`set null`); a model definition attached
 * to an endpoint cannot be deleted (the mapping's foreign key restricts); deleting an endpoint takes
 * its mappings, tags and bindings with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('gateway_secrets')
    .addColumn('secret_id', 'text', (c) => c.primaryKey())
    .addColumn('secret_name', 'text', (c) => c.notNull().unique())
    .addColumn('value_ciphertext', 'text', (c) => c.notNull())
    .addColumn('masked_values', 'text', (c) => c.notNull())
    .addColumn('provider', 'text')
    .addColumn('auth_config', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .execute();
  await db.schema
    .createTable('gateway_model_definitions')
    .addColumn('model_definition_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('secret_id', 'text', (c) => c.references('gateway_secrets.secret_id').onDelete('set null'))
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('model_name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .execute();
  await db.schema.createIndex('gateway_model_definitions_secret').on('gateway_model_definitions').column('secret_id').execute();
  await db.schema
    .createTable('gateway_endpoints')
    .addColumn('endpoint_id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('routing_strategy', 'text')
    .addColumn('fallback_config', 'text')
    .addColumn('experiment_id', 'text')
    .addColumn('usage_tracking', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .execute();
  await db.schema
    .createTable('gateway_endpoint_models')
    .addColumn('mapping_id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('gateway_endpoints.endpoint_id').onDelete('cascade'))
    .addColumn('model_definition_id', 'text', (c) => c.notNull().references('gateway_model_definitions.model_definition_id').onDelete('restrict'))
    .addColumn('linkage_type', 'text', (c) => c.notNull())
    .addColumn('weight', 'double precision', (c) => c.notNull())
    .addColumn('fallback_order', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addUniqueConstraint('gateway_endpoint_models_link', ['endpoint_id', 'model_definition_id', 'linkage_type'])
    .execute();
  await db.schema.createIndex('gateway_endpoint_models_definition').on('gateway_endpoint_models').column('model_definition_id').execute();
  await db.schema
    .createTable('gateway_endpoint_tags')
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('gateway_endpoints.endpoint_id').onDelete('cascade'))
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('gateway_endpoint_tags_pk', ['endpoint_id', 'key'])
    .execute();
  await db.schema
    .createTable('gateway_endpoint_bindings')
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('gateway_endpoints.endpoint_id').onDelete('cascade'))
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .addPrimaryKeyConstraint('gateway_endpoint_bindings_pk', ['endpoint_id', 'resource_type', 'resource_id'])
    .execute();
  await db.schema.createIndex('gateway_endpoint_bindings_resource').on('gateway_endpoint_bindings').columns(['resource_type', 'resource_id']).execute();
  await db.schema
    .createTable('gateway_budget_policies')
    .addColumn('budget_policy_id', 'text', (c) => c.primaryKey())
    .addColumn('budget_unit', 'text', (c) => c.notNull())
    .addColumn('budget_amount', 'double precision', (c) => c.notNull())
    .addColumn('duration_unit', 'text', (c) => c.notNull())
    .addColumn('duration_value', 'integer', (c) => c.notNull())
    .addColumn('target_scope', 'text', (c) => c.notNull())
    .addColumn('target_value', 'text')
    .addColumn('budget_action', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_updated_at', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('last_updated_by', 'text')
    .execute();
  await db.schema.createIndex('gateway_budget_policies_listing').on('gateway_budget_policies').columns(['created_at', 'budget_policy_id']).execute();
}
