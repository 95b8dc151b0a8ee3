// The sandbox's OpenAPI: served documents, schemas for the patch engines, field validation.
export type { SchemaNode, SchemaSource } from './schema';
export type { FieldCheckRequest } from './openapi-service';
export { OpenApiService, writeWarnings } from './openapi-service';
export type { FieldError, FieldValidationDirective } from './field-validation';
export {
  decodeRejection,
  dropUnknownFields,
  duplicateFieldErrors,
  fieldErrorText,
  fieldValidationDirective,
  goValueString,
  patchRejection,
  strictDecodingError,
  warningHeader,
} from './field-validation';
