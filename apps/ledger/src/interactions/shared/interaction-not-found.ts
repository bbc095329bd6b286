import { ApiError } from '../../common/api-error';

export const INTERACTION_NOT_FOUND = 'INTERACTION.NOT_FOUND';

export const interactionNotFound = (conversationId: string): ApiError =>
  new ApiError(404, INTERACTION_NOT_FOUND, `no interaction ${conversationId}`, { conversationId });
