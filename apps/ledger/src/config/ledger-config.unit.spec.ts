import { describe, expect, it } from 'vitest';
import { ConfigError, loadLedgerConfig } from './ledger-config';

describe('ingest configuration', () => {
  it('caps a group commit at 400 events unless told otherwise', () => {
    expect(loadLedgerConfig({}).ingest.maxEventsPerCommit).toBe(400);
    expect(loadLedgerConfig({ INGEST_MAX_EVENTS_PER_COMMIT: '5000' }).ingest.maxEventsPerCommit).toBe(5000);
  });

  it('refuses a cap of no events, naming the variable', () => {
    expect(() => loadLedgerConfig({ INGEST_MAX_EVENTS_PER_COMMIT: '0' })).toThrow(ConfigError);
    expect(() => loadLedgerConfig({ INGEST_MAX_EVENTS_PER_COMMIT: '0' })).toThrow(/INGEST_MAX_EVENTS_PER_COMMIT/);
  });
});
