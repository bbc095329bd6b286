export * from './migrations';
export * from './interactions/apply-interaction-batch';
export * from './interactions/commit-projection-batch';
export * from './interactions/dead-letters';
export * from './interactions/interaction-projector';
export * from './interactions/interaction-rows';
export * from './interactions/interaction-tables';
export * from './interactions/retry-dead-letter';
