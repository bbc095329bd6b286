export * from './events';
export * from './interaction';
