export { RedisService } from './redis.service.js';
