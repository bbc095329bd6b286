export * from './migrations';
export * from './interactions/apply-interaction-batch';
export * from './interactions/interaction-projector';
export * from './interactions/interaction-rows';
