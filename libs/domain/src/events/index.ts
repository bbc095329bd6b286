export * from './canonical-event';
export * from './canonical-json';
export * from './event-id';
export * from './ingest-body';
export * from './ingest-errors';
export * from './normalise-message';
export * from './parse-ingest-request';
export * from './topic-catalogue';
