import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { INGEST_ERROR_CODES } from '@ledger/domain';
import { ApiError } from '../common/api-error';

/** Reads the request body as bytes (signatures are over the bytes), refusing more than `limit` bytes (413) before buffering it all. */
export async function readRawBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(declared, limit);
  try {
    return await getRawBody(request, { limit, length: Number.isFinite(declared) ? declared : undefined });
  } catch (error) {
    const type = (error as { type?: string }).type;
    if (type === 'entity.too.large') throw tooLarge(null, limit);
    if (type === 'request.aborted') throw new ApiError(400, 'INGEST.REQUEST_ABORTED', 'the client closed the request before the body arrived');
    throw new ApiError(400, 'INGEST.BAD_BODY', `could not read the request body: ${(error as Error).message}`);
  }
}

function tooLarge(size: number | null, limit: number): ApiError {
  return new ApiError(
    413,
    INGEST_ERROR_CODES.bodyTooLarge,
    `request body ${size === null ? 'exceeds' : `is ${size} bytes, over`} the limit of ${limit} bytes (INGEST_MAX_BODY_BYTES)`,
    { field: 'body', limit, ...(size === null ? {} : { size }) },
    { connection: 'close' },
  );
}
