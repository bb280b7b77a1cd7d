import { msFromNow } from '#atlas/persistence';
import type { EntityManager } from 'typeorm';
import { ImportJobRecord } from './import-job.entity.js';

export type ClaimedImportJob = Pick<ImportJobRecord, 'id' | 'content' | 'nextRow'>;

/** What `claimNext` found: a job to work on, one it gave up on, or nothing runnable. */
export type ImportJobClaim =
  | { readonly kind: 'claimed'; readonly job: ClaimedImportJob }
  | { readonly kind: 'given-up'; readonly jobId: string; readonly attempts: number }
  | { readonly kind: 'none' };

/** The import jobs' claim and lease SQL, run through the caller's EntityManager. */
export class ImportJobStore {
  /**
   * The oldest runnable job (queued, or running with an expired lease), taken with
   * `FOR UPDATE SKIP LOCKED` so two workers never take the same one, and leased to `owner`.
   * A job that already took `maxAttempts` workers down is failed instead. Run it in a
   * transaction: the row lock holds until it commits.
   */
  async claimNext(
    manager: EntityManager,
    owner: string,
    settings: { readonly leaseMs: number; readonly maxAttempts: number },
  ): Promise<ImportJobClaim> {
    const [job] = await manager
      .getRepository(ImportJobRecord)
      .createQueryBuilder('job')
      .select(['job.id', 'job.content', 'job.nextRow', 'job.attempts'])
      .where(`job.status = 'QUEUED' OR (job.status = 'RUNNING' AND job.lease_until < now())`)
      .orderBy('job.created_at', 'ASC')
      .limit(1)
      .setLock('pessimistic_write')
      .setOnLocked('skip_locked')
      .getMany();
    if (!job) return { kind: 'none' };
    if (job.attempts >= settings.maxAttempts) {
      await manager.update(
        ImportJobRecord,
        { id: job.id },
        {
          status: 'FAILED',
          failure: `Gave up after ${job.attempts} attempts: the import kept failing.`,
          leaseOwner: null,
          leaseUntil: null,
          finishedAt: () => 'now()',
        },
      );
      return { kind: 'given-up', jobId: job.id, attempts: job.attempts };
    }
    await manager.update(
      ImportJobRecord,
      { id: job.id },
      {
        status: 'RUNNING',
        attempts: job.attempts + 1,
        leaseOwner: owner,
        leaseUntil: msFromNow(settings.leaseMs),
        startedAt: () => 'coalesce(started_at, now())',
      },
    );
    return { kind: 'claimed', job: { id: job.id, content: job.content, nextRow: job.nextRow } };
  }

  /** Lets another worker take the job now rather than when `owner`'s lease runs out. */
  async handBack(manager: EntityManager, jobId: string, owner: string): Promise<void> {
    await manager
      .getRepository(ImportJobRecord)
      .update({ id: jobId, leaseOwner: owner }, { leaseUntil: () => 'now()' });
  }
}
