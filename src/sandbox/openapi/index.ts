// The sandbox's OpenAPI: served documents, schemas for the patch engines, field validation.
export type { SchemaNode, SchemaSource } from './schema';
export type { FieldCheckRequest } from './openapi-service';
export { OpenApiService, writeWarnings } from './openapi-service';
export * from './field-validation';
