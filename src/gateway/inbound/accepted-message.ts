import type { AcceptedMessage } from '../../shared/contract';
import type { AcceptedRow } from '../store/queries/inbox';

/** A stored hand-off as the control API shows it: body, route and ids from the row's columns, the rest from meta. */
export function toAcceptedMessage(row: AcceptedRow): AcceptedMessage {
  const m = row.meta as Partial<AcceptedMessage>;
  return {
    seq: row.seq,
    accountId: row.account,
    from: m.from ?? row.chat,
    chatType: m.chatType ?? (row.chat.endsWith('@g.us') ? 'group' : 'dm'),
    messageId: row.messageId,
    agentId: row.agentId,
    sessionKey: row.sessionKey,
    body: row.body,
    sender: m.sender ?? {},
    replyToId: m.replyToId,
    replyToBody: m.replyToBody,
    replyToSender: m.replyToSender,
    mediaPath: m.mediaPath,
    mediaType: m.mediaType,
    groupSubject: m.groupSubject,
    historyLimit: m.historyLimit,
    acceptedAt: new Date(row.acceptedAt).toISOString(),
  };
}
