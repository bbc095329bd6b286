export * from './upcaster-registry';
export * from './genesys-upcasters';
