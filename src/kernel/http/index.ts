export * from './pagination.js';
export * from './params.js';
export { Idempotent, IdempotencyInterceptor } from './idempotency.interceptor.js';
export { InputPipe, unstorableText } from './input.pipe.js';
export { CredentialRateLimit, RateLimitGuard } from './rate-limit.guard.js';
export { RateLimiterService, type RateDecision } from './rate-limiter.service.js';
export { ReqMeta, NO_META, type RequestMeta } from './request-meta.js';
export { Route, problemSchema } from './openapi.js';
export { RouteIndex } from './route-index.js';
