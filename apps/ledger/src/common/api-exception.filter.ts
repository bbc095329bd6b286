import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import type { Response } from 'express';
import { toApiError } from './api-error';

/** Renders every error as `{"error": {code, message, details}}`; unexpected ones are logged and hidden. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    if (response.headersSent) return;
    const apiError = toApiError(exception);
    if (apiError) {
      for (const [name, value] of Object.entries(apiError.headers)) response.setHeader(name, value);
      response.status(apiError.status).json({ error: { code: apiError.code, message: apiError.message, details: apiError.details } });
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      response.status(status).json({ error: { code: `HTTP.${status}`, message, details: {} } });
      return;
    }
    this.logger.error({ err: exception }, 'unhandled error');
    response
      .status(HttpStatus.INTERNAL_SERVER_ERROR)
      .json({ error: { code: 'INTERNAL', message: 'internal error; see the server log', details: {} } });
  }
}
