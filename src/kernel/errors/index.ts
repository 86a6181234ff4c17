export { AppError, type ErrorKind, type FieldError } from './app-error.js';
export { ProblemFilter, sendProblem } from './problem.filter.js';
export { normalizeError, toProblem, type Problem } from './problem.js';
export { pickLocale, translate, type Locale, LOCALES } from './messages.js';
export { defineMessages, declaredMessages, type Text } from './catalog.js';
export { validationExceptionFactory, issuesToFieldErrors } from './validation.js';
