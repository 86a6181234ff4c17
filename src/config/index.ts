export { loadConfig, configFromProcess, ConfigError, type Config } from './config.js';
export const CONFIG = Symbol('CONFIG');
