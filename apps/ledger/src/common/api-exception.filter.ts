import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { toApiError } from './api-error';

/** Renders every error as `{"error": {code, message, details}}`; unexpected ones are logged and hidden. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('api');

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = this.adapterHost.httpAdapter;
    const response: unknown = host.switchToHttp().getResponse();
    if (http.isHeadersSent(response)) return;
    const apiError = toApiError(exception);
    if (apiError) {
      for (const [name, value] of Object.entries(apiError.headers)) http.setHeader(response, name, value);
      http.reply(response, { error: { code: apiError.code, message: apiError.message, details: apiError.details } }, apiError.status);
      return;
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const body = exception.getResponse();
      const message = typeof body === 'string' ? body : String((body as { message?: unknown }).message ?? exception.message);
      http.reply(response, { error: { code: `HTTP.${status}`, message, details: {} } }, status);
      return;
    }
    // The request's id ties this line to the request line (`request errored`) logged as the response goes out.
    const request = host.switchToHttp().getRequest<{ id?: string }>();
    this.logger.error({ err: exception, reqId: request.id }, 'unhandled error');
    http.reply(response, { error: { code: 'INTERNAL', message: 'internal error; see the server log', details: {} } }, HttpStatus.INTERNAL_SERVER_ERROR);
  }
}
