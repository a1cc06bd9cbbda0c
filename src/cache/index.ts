/** The semantic answer cache (issue 18): what the session, the commands and the gateway use. */
export { createSemanticCache } from './semantic-cache.js';
export type {
  Embed,
  SemanticCache,
  SemanticCacheDeps,
  SemanticCacheStats,
} from './semantic-cache.js';
export { fileStore, memoryStore, semanticCacheFile, type CacheStore } from './store.js';
export { createClientOf, redactedUrl, redisStore, type RedisStoreOptions } from './redis-store.js';
export { redisStreamKey, semanticCacheStore, type StoreChoice } from './store-choice.js';
export { explainResult, hitLine, missText, skipText } from './explain.js';
export { actionIn, isWorkspaceQuestion, pathsIn, uncacheableTurn } from './rules.js';
export type * from './types.js';
export { cacheHitRecord, conversationLines } from './turn.js';
