import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ImportJob as ImportJobDto, ImportJobStatus, ImportRowError } from '#atlas/contracts';

/**
 * A CSV import and how far it got. The file is kept with the job, and `nextRow` moves forward
 * in the same transaction as each batch of rows it covers, so a worker that dies mid-way is
 * replaced by one that carries on from the last committed batch: no row applied twice or lost.
 */
@Entity({ name: 'import_jobs' })
export class ImportJobRecord {
  @PrimaryColumn('uuid')
  id: string;

  @Column('uuid', { name: 'owner_id' })
  ownerId: string;

  @Column('text')
  status: ImportJobStatus;

  @Column('text', { name: 'file_name', nullable: true })
  fileName: string | null;

  @Column('text')
  content: string;

  @Column('integer', { name: 'total_rows' })
  totalRows: number;

  /** Rows before this index are done (imported or refused). */
  @Column('integer', { name: 'next_row', default: 0 })
  nextRow: number;

  @Column('integer', { name: 'created_count', default: 0 })
  createdCount: number;

  @Column('integer', { name: 'updated_count', default: 0 })
  updatedCount: number;

  @Column('integer', { name: 'failed_count', default: 0 })
  failedCount: number;

  @Column('jsonb', { default: [] })
  errors: ImportRowError[];

  @Column('text', { nullable: true })
  failure: string | null;

  /** Times a worker took the job: one that keeps killing its worker is given up on. */
  @Column('integer', { default: 0 })
  attempts: number;

  /** The worker running the job, until `leaseUntil`; after that another may take it over. */
  @Column('uuid', { name: 'lease_owner', nullable: true })
  leaseOwner: string | null;

  @Column('timestamptz', { name: 'lease_until', nullable: true })
  leaseUntil: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt: Date | null;

  @Column('timestamptz', { name: 'finished_at', nullable: true })
  finishedAt: Date | null;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}

export function toImportJobDto(job: ImportJobRecord): ImportJobDto {
  const processed = job.nextRow;
  return {
    id: job.id,
    type: 'product-import',
    status: job.status,
    fileName: job.fileName,
    progress: {
      totalRows: job.totalRows,
      processedRows: processed,
      created: job.createdCount,
      updated: job.updatedCount,
      failed: job.failedCount,
      percent: job.totalRows === 0 ? 100 : Math.floor((processed * 100) / job.totalRows),
    },
    errors: job.errors,
    failure: job.failure,
    createdAt: job.createdAt.toISOString(),
    startedAt: job.startedAt?.toISOString() ?? null,
    finishedAt: job.finishedAt?.toISOString() ?? null,
  };
}
