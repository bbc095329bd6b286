import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI at /docs (UI) and /docs-json. */
export function setUpOpenApi(app: INestApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Interaction Ledger')
      .setDescription(
        'The complete, replayable history of every Genesys Cloud interaction. Errors are `{"error": {code, message, details}}`; ' +
          'timestamps are ISO 8601 with a zone; list endpoints page with an opaque `cursor` (pass back `nextCursor` unchanged).',
      )
      .setVersion('1')
      .addTag('ingest', 'Genesys Cloud events in: EventBridge, webhook, notifications, NDJSON.')
      .addTag('interactions', 'Interaction history: list and filter, current state, timeline, replay to any past instant.')
      .addTag('queues', 'Queue interval metrics (Genesys aggregate shape) and point-in-time snapshots.')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
