export { CacheService } from './cache.service.js';
