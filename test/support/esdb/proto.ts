import { Metadata, status, type StatusObject } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as GoogleEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import {
  AccessDenied,
  BadRequest,
  Empty,
  StreamDeleted,
  StreamIdentifier,
  UUID,
  WrongExpectedVersion as SharedWrongExpectedVersion,
} from '@eventstore/db-client/generated/shared_pb';
import { Status } from '@eventstore/db-client/generated/status_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { ExpectedVersion, ProposedEvent, StoredEvent } from './memory-log';

/** Message builders and parsers shared by the handlers, following EventStoreDB's gRPC layer. */

/** `created` is in .NET ticks (100 ns) since the Unix epoch. */
const TICKS_PER_MILLISECOND = 10_000n;

export function streamName(identifier: StreamIdentifier | undefined): string {
  if (!identifier) return '';
  return Buffer.from(identifier.getStreamName_asU8()).toString('utf8');
}

export function streamIdentifier(name: string): StreamIdentifier {
  return new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));
}

export function parseUuid(uuid: UUID | undefined): string {
  if (!uuid) return '';
  const structured = uuid.getStructured();
  if (!structured) return uuid.getString();
  const hex = (value: string): string => BigInt.asUintN(64, BigInt(value)).toString(16).padStart(16, '0');
  const digits = hex(structured.getMostSignificantBits()) + hex(structured.getLeastSignificantBits());
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
}

export function uuid(id: string, asString: boolean): UUID {
  if (asString) return new UUID().setString(id);
  const digits = id.replace(/-/g, '');
  const signed = (hex: string): string => BigInt.asIntN(64, BigInt(`0x${hex}`)).toString();
  const structured = new UUID.Structured().setMostSignificantBits(signed(digits.slice(0, 16))).setLeastSignificantBits(signed(digits.slice(16)));
  return new UUID().setStructured(structured);
}

export function proposedEvent(message: {
  getId(): UUID | undefined;
  getMetadataMap(): { get(key: string): string | undefined };
  getData_asU8(): Uint8Array;
  getCustomMetadata_asU8(): Uint8Array;
}): ProposedEvent | string {
  const metadata = message.getMetadataMap();
  const eventType = metadata.get('type');
  const contentType = metadata.get('content-type');
  // The server refuses a proposed message without its required metadata (RequiredMetadataPropertyMissing).
  if (eventType === undefined) return 'type';
  if (contentType === undefined) return 'content-type';
  return { eventId: parseUuid(message.getId()), eventType, contentType, data: message.getData_asU8(), metadata: message.getCustomMetadata_asU8() };
}

export function readEvent(event: StoredEvent, uuidAsString: boolean): ReadResp {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(uuid(event.eventId, uuidAsString))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(event.revision.toString())
    // Since 22.6 stream reads carry the $all position too (gRPC, non-transaction events).
    .setCommitPosition(event.position.toString())
    .setPreparePosition(event.position.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  recorded
    .getMetadataMap()
    .set('type', event.eventType)
    .set('content-type', event.contentType)
    .set('created', (BigInt(event.created.getTime()) * TICKS_PER_MILLISECOND).toString());
  const read = new ReadResp.ReadEvent().setEvent(recorded).setCommitPosition(event.position.toString());
  return new ReadResp().setEvent(read);
}

export function expectedVersionOf(options: {
  hasAny(): boolean;
  hasNoStream(): boolean;
  hasStreamExists(): boolean;
}, revision: string | null): ExpectedVersion | null {
  if (revision !== null) return BigInt(revision);
  if (options.hasAny()) return 'any';
  if (options.hasNoStream()) return 'no_stream';
  if (options.hasStreamExists()) return 'stream_exists';
  return null;
}

/** An RPC error as EventStoreDB raises it: a status code plus `exception` trailers the client switches on. */
export function rpcError(code: status, details: string, trailers: Record<string, string> = {}): Partial<StatusObject> {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return { code, details, metadata };
}

export const accessDeniedError = (): Partial<StatusObject> => rpcError(status.PERMISSION_DENIED, 'Access Denied', { exception: 'access-denied' });

export const streamDeletedError = (name: string): Partial<StatusObject> =>
  rpcError(status.FAILED_PRECONDITION, `Event stream '${name}' is deleted.`, { exception: 'stream-deleted', 'stream-name': name });

export const missingMetadataError = (property: string): Partial<StatusObject> =>
  rpcError(status.INVALID_ARGUMENT, `Required Metadata Property '${property}' is missing`, {
    exception: 'missing-required-metadata-property',
    'required-metadata-properties': 'type,content-type',
  });

/** BatchAppend reports failures in-band: a google.rpc.Status whose details pack the error message. */
function packedStatus(code: status, message: string, typeName: string, details: { serializeBinary(): Uint8Array }): Status {
  const any = new Any();
  any.pack(details.serializeBinary(), typeName);
  return new Status().setCode(Number(code)).setMessage(message).setDetails(any);
}

export function batchWrongExpectedVersion(current: bigint, expected: ExpectedVersion): Status {
  const details = new SharedWrongExpectedVersion();
  if (current < 0n) details.setCurrentNoStream(new GoogleEmpty());
  else details.setCurrentStreamRevision(current.toString());
  if (expected === 'any') details.setExpectedAny(new GoogleEmpty());
  else if (expected === 'no_stream') details.setExpectedNoStream(new GoogleEmpty());
  else if (expected === 'stream_exists') details.setExpectedStreamExists(new GoogleEmpty());
  else details.setExpectedStreamPosition(expected.toString());
  return packedStatus(status.ALREADY_EXISTS, 'WrongExpectedVersion', 'event_store.client.WrongExpectedVersion', details);
}

export const batchStreamDeleted = (name: string): Status =>
  packedStatus(status.NOT_FOUND, 'StreamDeleted', 'event_store.client.StreamDeleted', new StreamDeleted().setStreamIdentifier(streamIdentifier(name)));

export const batchAccessDenied = (): Status =>
  packedStatus(status.PERMISSION_DENIED, 'AccessDenied', 'event_store.client.AccessDenied', new AccessDenied());

export const batchBadRequest = (message: string): Status =>
  packedStatus(status.INVALID_ARGUMENT, 'BadRequest', 'event_store.client.BadRequest', new BadRequest().setMessage(message));

export const empty = (): Empty => new Empty();
