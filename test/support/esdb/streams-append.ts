import { status, type handleBidiStreamingCall, type handleClientStreamingCall } from '@grpc/grpc-js';
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { AllStreamPosition } from '@eventstore/db-client/generated/shared_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import type { ExpectedVersion, MemoryLog, ProposedEvent, WriteOutcome } from './memory-log';
import {
  accessDeniedError,
  batchAccessDenied,
  batchBadRequest,
  batchStreamDeleted,
  batchWrongExpectedVersion,
  empty,
  expectedVersionOf,
  missingMetadataError,
  parseUuid,
  proposedEvent,
  rpcError,
  streamDeletedError,
  streamIdentifier,
  streamName,
  uuid,
} from './proto';

/**
 * Streams.Append: one client stream per write (options first, then the proposed messages). A wrong expected version
 * is an OK reply carrying the error; a deleted stream or access denied is a gRPC status with `exception` trailers.
 */
export function appendHandler(log: MemoryLog): handleClientStreamingCall<AppendReq, AppendResp> {
  return (call, callback) => {
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let failure: ReturnType<typeof rpcError> | null = null;
    call.on('data', (request: AppendReq) => {
      if (failure) return;
      if (!options) {
        options = request.getOptions();
        if (!options) failure = rpcError(status.INVALID_ARGUMENT, 'the first message of an append must carry its options');
        return;
      }
      const message = request.getProposedMessage();
      const parsed = message ? proposedEvent(message) : 'type';
      if (typeof parsed === 'string') failure = missingMetadataError(parsed);
      else events.push(parsed);
    });
    call.on('error', () => undefined);
    call.on('end', () => {
      if (failure) return callback(failure);
      if (!options) return callback(rpcError(status.INVALID_ARGUMENT, 'an append needs its options'));
      const name = streamName(options.getStreamIdentifier());
      const expected = expectedVersionOf(options, options.hasRevision() ? options.getRevision() : null);
      if (expected === null) return callback(rpcError(status.INVALID_ARGUMENT, 'an append needs an expected stream revision'));
      const outcome = log.write(name, expected, events);
      switch (outcome.result) {
        case 'access_denied':
          return callback(accessDeniedError());
        case 'stream_deleted':
          return callback(streamDeletedError(name));
        case 'wrong_expected_version':
          return callback(null, new AppendResp().setWrongExpectedVersion(appendWrongExpectedVersion(outcome.currentRevision, expected)));
        case 'success': {
          const success = new AppendResp.Success();
          if (outcome.lastRevision < 0n) success.setNoStream(empty());
          else success.setCurrentRevision(outcome.lastRevision.toString());
          if (outcome.position === null) success.setNoPosition(empty());
          else success.setPosition(new AppendResp.Position().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
          return callback(null, new AppendResp().setSuccess(success));
        }
      }
    });
  };
}

function appendWrongExpectedVersion(current: bigint, expected: ExpectedVersion): AppendResp.WrongExpectedVersion {
  const error = new AppendResp.WrongExpectedVersion();
  if (current < 0n) error.setCurrentNoStream(empty());
  else error.setCurrentRevision(current.toString());
  if (expected === 'any') error.setExpectedAny(empty());
  else if (expected === 'no_stream') error.setExpectedNoStream(empty());
  else if (expected === 'stream_exists') error.setExpectedStreamExists(empty());
  else error.setExpectedRevision(expected.toString());
  return error;
}

interface PendingWrite {
  streamId: string;
  expected: ExpectedVersion;
  events: ProposedEvent[];
}

/**
 * Streams.BatchAppend: one long-lived bidirectional stream multiplexing writes by correlation id. A write may span
 * several requests; it is committed when the one marked `is_final` arrives. Every failure is reported in-band.
 */
export function batchAppendHandler(log: MemoryLog): handleBidiStreamingCall<BatchAppendReq, BatchAppendResp> {
  return (call) => {
    const pending = new Map<string, PendingWrite>();
    const respond = (correlationId: string, streamId: string, fill: (response: BatchAppendResp) => void): void => {
      const response = new BatchAppendResp().setStreamIdentifier(streamIdentifier(streamId)).setCorrelationId(uuid(correlationId, true));
      fill(response);
      if (!call.writableEnded) call.write(response);
    };
    call.on('data', (request: BatchAppendReq) => {
      const correlationId = parseUuid(request.getCorrelationId());
      const options = request.getOptions();
      if (options) {
        const streamId = streamName(options.getStreamIdentifier());
        if (log.isDenied(streamId)) return respond(correlationId, streamId, (response) => response.setError(batchAccessDenied()));
        const expected = expectedVersionOf(options, options.hasStreamPosition() ? options.getStreamPosition() : null);
        if (expected === null) return respond(correlationId, streamId, (response) => response.setError(batchBadRequest('an append needs an expected stream position')));
        pending.set(correlationId, { streamId, expected, events: [] });
      }
      const write = pending.get(correlationId);
      if (!write) return;
      for (const message of request.getProposedMessagesList()) {
        const parsed = proposedEvent(message);
        if (typeof parsed !== 'string') write.events.push(parsed);
      }
      if (!request.getIsFinal()) return;
      pending.delete(correlationId);
      const outcome = log.write(write.streamId, write.expected, write.events);
      respond(correlationId, write.streamId, (response) => fillBatchResponse(response, outcome, write));
    });
    call.on('error', () => undefined);
    call.on('end', () => call.end());
  };
}

function fillBatchResponse(response: BatchAppendResp, outcome: WriteOutcome, write: PendingWrite): void {
  switch (outcome.result) {
    case 'access_denied':
      response.setError(batchAccessDenied());
      return;
    case 'stream_deleted':
      response.setError(batchStreamDeleted(write.streamId));
      return;
    case 'wrong_expected_version':
      response.setError(batchWrongExpectedVersion(outcome.currentRevision, write.expected));
      return;
    case 'success': {
      const success = new BatchAppendResp.Success();
      if (outcome.lastRevision < 0n) success.setNoStream(new GoogleEmpty());
      else success.setCurrentRevision(outcome.lastRevision.toString());
      if (outcome.position === null) success.setNoPosition(new GoogleEmpty());
      else success.setPosition(new AllStreamPosition().setCommitPosition(outcome.position.toString()).setPreparePosition(outcome.position.toString()));
      response.setSuccess(success);
    }
  }
}
