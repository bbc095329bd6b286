import { z } from 'zod';
import { parseQueryParams } from '../../shared/query-params';

/** This endpoint takes no query parameters: anything given is a mistake worth reporting. */
export function parseGetInteractionParams(query: unknown): void {
  parseQueryParams(z.strictObject({}), query, []);
}
