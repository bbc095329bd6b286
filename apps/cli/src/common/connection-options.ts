import { usageError } from './cli-error';
import { LedgerClient } from './ledger-client';

export const DEFAULT_URL = 'http://127.0.0.1:3000';

export interface ConnectionOptions {
  url?: unknown;
  header?: unknown;
  apiKey?: unknown;
}

/**
 * `--url`, repeatable `-H name:value`, and `--api-key` (or `LEDGER_API_KEY`), sent as a bearer token. Shared by every
 * command that talks to a running ledger.
 */
export function ledgerClientFrom(options: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): LedgerClient {
  const url = typeof options.url === 'string' && options.url.trim() !== '' ? options.url.trim() : DEFAULT_URL;
  const headers: Record<string, string> = {};
  const lines = Array.isArray(options.header) ? options.header : [];
  for (const line of lines) {
    const text = String(line);
    const at = text.indexOf(':');
    if (at <= 0) throw usageError(`--header must be "name: value"; got "${text}"`);
    headers[text.slice(0, at).trim().toLowerCase()] = text.slice(at + 1).trim();
  }
  const apiKey = typeof options.apiKey === 'string' ? options.apiKey : env['LEDGER_API_KEY'];
  if (apiKey && headers['authorization'] === undefined) headers['authorization'] = `Bearer ${apiKey}`;
  return new LedgerClient({ url, headers });
}
