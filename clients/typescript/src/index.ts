export { createMedyourClient, formData, ok } from './client.js';
export type { ListItem, ListPath, MedyourClient, MedyourClientOptions, PageInit } from './client.js';
export { ApiError, type FieldProblem } from './errors.js';
export type { Tokens } from './session.js';
export type { components, operations, paths } from './schema.js';
