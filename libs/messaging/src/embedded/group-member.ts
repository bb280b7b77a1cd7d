import type { EachMessagePayload } from 'kafkajs';
import type { AssignableMember } from './partition-assignor.js';
import type { Semaphore } from './semaphore.js';

/** What a consumer group needs from one of its members. */
export interface GroupMember extends AssignableMember {
  /** `leaving` members get no new messages; their in-flight ones still finish. */
  state: 'active' | 'leaving';
  readonly slots: Semaphore;
  eachMessage(payload: EachMessagePayload): Promise<void>;
  assigned(generationId: number, leaderId: string, assignment: Map<string, number[]>): void;
  committed(topic: string, partition: number, offset: number): void;
}
