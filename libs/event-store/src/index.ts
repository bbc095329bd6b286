export * from './event-store.port';
export * from './event-store.errors';
export * from './embedded/embedded-postgres';
export * from './migrations';
export * from './postgres/postgres-event-store';
export { appendInOneTransaction, sqlLiteral, type AppendHooks } from './postgres/postgres-append';
export { POSITION_TRANSACTION_SHIFT, POSTGRES_EVENTS_TABLE } from './postgres/postgres-rows';
// Parameters in PostgreSQL's binary array format, for other writers of large batches (the projector's timeline).
export { binaryInt8Array, binaryTextArray, binaryTimestamptzArray } from './postgres/binary-arrays';
// EventStoreDB adapter (EVENTSTORE_URL)
export * from './esdb/esdb-event-store';
