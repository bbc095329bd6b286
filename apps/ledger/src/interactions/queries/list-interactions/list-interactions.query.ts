import { Query } from '@nestjs/cqrs';
import type { ListInteractionsParams } from './list-interactions.params';

/**
 * Interactions matching the filters, newest first, one keyset page: the JSON text of an InteractionPageDto (rendered
 * mostly by PostgreSQL; see the handler).
 */
export class ListInteractionsQuery extends Query<string> {
  constructor(readonly params: ListInteractionsParams) {
    super();
  }
}
