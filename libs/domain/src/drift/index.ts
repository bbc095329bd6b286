export * from './json-shape';
export * from './sdk-field-baseline';
export * from './detail-event-baseline';
export * from './compare-shape';
export * from './schema-drift-detector';
export * from './schema-field-tally';
export * from './learned-map-paths';
