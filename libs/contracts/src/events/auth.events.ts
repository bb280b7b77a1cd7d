import { z } from 'zod';
import { Role } from '../roles.js';
import { defineEvent } from './event-contract.js';

export const UserRegistered = defineEvent({
  name: 'UserRegistered',
  topic: 'auth.user-registered.v1',
  shape: { userId: z.uuid(), roles: z.array(Role) },
  key: (event) => event.userId,
});
