import type { LibraryTables } from '#atlas/persistence';
import { InboxMessage } from './inbox/inbox-message.entity.js';
import { CreateMessagingTables1764000000000 } from './migrations/1764000000000-create-messaging-tables.js';
import { OutboxMessage } from './outbox/outbox-message.entity.js';

/**
 * The outbox and the inbox, which messaging keeps in the database of every service that uses
 * it: `PersistenceModule.forRoot({ ..., libraryTables: [messagingTables] })`. The service's
 * composition root then names only its own tables.
 */
export const messagingTables: LibraryTables = {
  entities: [OutboxMessage, InboxMessage],
  migrations: [CreateMessagingTables1764000000000],
};
