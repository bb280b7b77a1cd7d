import { InboxMessage } from './inbox/inbox-message.entity.js';
import { OutboxMessage } from './outbox/outbox-message.entity.js';

/** Messaging's entities, for a service's DataSource: `entities: [...own, ...messagingEntities]`. */
export const messagingEntities = [OutboxMessage, InboxMessage];
