import { CliError } from '../common/cli-error';
import { describeApiError, type LedgerClient } from '../common/ledger-client';
import { projectionsResponseSchema, type ProjectionsResponse } from './projection-status';

export const PROJECTIONS_PATH = '/v1/admin/projections';

export async function fetchProjections(client: LedgerClient): Promise<ProjectionsResponse> {
  const response = await client.get(PROJECTIONS_PATH);
  if (response.status !== 200) throw new CliError(`GET ${PROJECTIONS_PATH} answered ${describeApiError(response)}`);
  const parsed = projectionsResponseSchema.safeParse(response.body);
  if (!parsed.success) throw new CliError(`GET ${PROJECTIONS_PATH} returned an unexpected body: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}
