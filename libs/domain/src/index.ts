export * from './events';
export * from './interaction';
export * from './upcasters';
export * from './drift';
