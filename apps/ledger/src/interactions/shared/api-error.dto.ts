import { ApiProperty } from '@nestjs/swagger';

export class ApiErrorBodyDto {
  @ApiProperty({ example: 'QUERY.INVALID_PARAMETER', description: 'Stable error code.' })
  code!: string;

  @ApiProperty({ example: 'query parameter "limit" must be an integer from 1 to 500; got "0"' })
  message!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { parameter: 'limit' } })
  details!: Record<string, unknown>;
}

/** Every error the API returns: `{"error": {code, message, details}}`. */
export class ApiErrorDto {
  @ApiProperty({ type: ApiErrorBodyDto })
  error!: ApiErrorBodyDto;
}
