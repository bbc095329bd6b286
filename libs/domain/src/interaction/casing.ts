/**
 * Genesys spells the same value differently per source (genesys README §3); the state uses the analytics API's
 * spelling. Unknown values are kept, reshaped by the same rule, so a new Genesys enum never breaks the fold.
 */

/** `UNKNOWN` carries no information: it must not hide a concrete value seen elsewhere. */
function meaningful(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  return value === undefined || value === '' || value.toLowerCase() === 'unknown' ? undefined : value;
}

/** `VOICE` → `voice`; analytics media types are single lowercase words. */
export function normaliseMediaType(raw: string | undefined): string | undefined {
  return meaningful(raw)?.toLowerCase();
}

/** `INBOUND` / `inbound` → `inbound`. */
export function normaliseDirection(raw: string | undefined): string | undefined {
  return meaningful(raw)?.toLowerCase();
}

/** Purposes are lowercase in both the snapshot topics and analytics. */
export function normalisePurpose(raw: string | undefined): string | undefined {
  return meaningful(raw)?.toLowerCase();
}

/** Notification topics put the qualifier after a dot; analytics puts it first in camelCase. */
const DOTTED_DISCONNECT_TYPES: Readonly<Record<string, string>> = {
  'endpoint.dnd': 'dndEndpoint',
  'transfer.conference': 'conferenceTransfer',
  'transfer.consult': 'consultTransfer',
  'transfer.forward': 'forwardTransfer',
  'transfer.noanswer': 'noAnswerTransfer',
  'transfer.notavailable': 'notAvailableTransfer',
  'transfer.dnd': 'dndTransfer',
  'transport.failure': 'transportFailure',
  'session.expired': 'sessionExpired',
};

/**
 * `CONSULT_TRANSFER` (detail events), `transfer.consult` (notification topics) and `consultTransfer` (analytics)
 * all become `consultTransfer`. An unknown `NEW_KIND` becomes `newKind`, an unknown `kind.new` becomes `kindNew`.
 */
export function normaliseDisconnectType(raw: string | undefined): string | undefined {
  const value = meaningful(raw);
  if (value === undefined) return undefined;
  const dotted = DOTTED_DISCONNECT_TYPES[value.toLowerCase()];
  if (dotted !== undefined) return dotted;
  if (!/[._\s-]/.test(value)) {
    // Already one word: `CLIENT` → `client`, `consultTransfer` stays as it is.
    return value === value.toUpperCase() ? value.toLowerCase() : value.charAt(0).toLowerCase() + value.slice(1);
  }
  const words = value.split(/[._\s-]+/).filter((w) => w.length > 0).map((w) => w.toLowerCase());
  return words.map((w, i) => (i === 0 ? w : w.charAt(0).toUpperCase() + w.slice(1))).join('');
}

/** Analytics counts a transfer whenever the disconnect type is `transfer` or ends in `Transfer`. */
export function isTransferDisconnect(disconnectType: string | undefined): boolean {
  return disconnectType !== undefined && (disconnectType === 'transfer' || disconnectType.endsWith('Transfer'));
}

/** Media-leg arrays of a conversation snapshot participant, and the analytics media type each one carries. */
export const SNAPSHOT_LEG_MEDIA: Readonly<Record<string, string>> = {
  calls: 'voice',
  callbacks: 'callback',
  chats: 'chat',
  cobrowsesessions: 'cobrowse',
  emails: 'email',
  messages: 'message',
  screenshares: 'screenshare',
  socialexpressions: 'socialexpression',
  videos: 'video',
  internalmessages: 'internalmessage',
  screenmonitorings: 'screenmonitoring',
};

/** `calls` / `cobrowseSessions` → `voice` / `cobrowse`; undefined for anything that is not a media leg. */
export function snapshotLegMediaType(legName: string): string | undefined {
  return SNAPSHOT_LEG_MEDIA[legName.toLowerCase()];
}
