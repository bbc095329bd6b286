import { UpcasterRegistry, type Upcaster } from './upcaster-registry';

const DETAIL_EVENTS = 'v2.detail.events.conversation.{id}.*';

/** Detail events carry `eventTime` as epoch milliseconds; some exports and audit-style feeds send ISO strings. */
export const isoEventTimeToEpochMillis: Upcaster = {
  name: 'detail eventTime: ISO string → epoch ms',
  eventType: DETAIL_EVENTS,
  versions: '*',
  upcast(data) {
    const eventTime = data['eventTime'];
    if (typeof eventTime !== 'string') return data;
    const millis = Date.parse(eventTime);
    return Number.isNaN(millis) ? data : { ...data, eventTime: millis };
  },
};

/**
 * Version 1 of the wrap-up topics spelled the code `wrapUpCode` (as the analytics API still does) and the agent
 * `userID`; version 2 uses `wrapupCode` and `userId`.
 */
export const wrapupFieldsV1ToV2: Upcaster = {
  name: 'acw/wrapup v1: wrapUpCode → wrapupCode, userID → userId',
  eventType: 'v2.detail.events.conversation.{id}.*',
  versions: ['1'],
  upcast(data) {
    if (!('wrapUpCode' in data) && !('userID' in data)) return data;
    const { wrapUpCode, userID, ...rest } = data;
    return {
      ...rest,
      ...(rest['wrapupCode'] === undefined && wrapUpCode !== undefined ? { wrapupCode: wrapUpCode } : {}),
      ...(rest['userId'] === undefined && userID !== undefined ? { userId: userID } : {}),
    };
  },
};

/** The registry projections and replay use. */
export const GENESYS_UPCASTERS = new UpcasterRegistry([isoEventTimeToEpochMillis, wrapupFieldsV1ToV2]);
