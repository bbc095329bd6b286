import { z } from 'zod';
import { parseQueryParams } from '../../shared/query-params';

/** Built once: zod compiles a schema on first use, which costs more than the lookup it guards. */
const noParameters = z.strictObject({});

/** This endpoint takes no query parameters: anything given is a mistake worth reporting. */
export function parseGetInteractionParams(query: unknown): void {
  parseQueryParams(noParameters, query, []);
}
