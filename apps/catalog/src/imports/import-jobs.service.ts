import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ImportJob, ImportJobAccepted } from '#atlas/contracts';
import { notFound } from '#atlas/http';
import { can, type AuthenticatedUser } from '#atlas/security';
import { ImportJobRecord, toImportJobDto } from './import-job.entity.js';
import { ImportJobWorker } from './import-job.worker.js';
import { parseProductCsv } from './product-csv.js';

/** Accepts CSV imports as jobs and reports on them; the worker does the importing. */
@Injectable()
export class ImportJobsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly worker: ImportJobWorker,
  ) {}

  /** Checks the file as a whole now (refused at once if it is not a product CSV), rows later. */
  async submit(ownerId: string, fileName: string, bytes: Buffer): Promise<ImportJobAccepted> {
    const rows = parseProductCsv(bytes);
    const job = this.dataSource.getRepository(ImportJobRecord).create({
      id: randomUUID(),
      ownerId,
      status: 'QUEUED',
      fileName: fileName.slice(0, 255) || null,
      content: bytes.toString('utf8'),
      totalRows: rows.length,
      errors: [],
    });
    await this.dataSource.getRepository(ImportJobRecord).insert(job);
    this.worker.wake();
    return {
      id: job.id,
      status: job.status,
      totalRows: job.totalRows,
      location: `/v1/jobs/${job.id}`,
    };
  }

  /** Its owner's job (admins see every job); anyone else's is answered like a missing one. */
  async get(id: string, caller: AuthenticatedUser): Promise<ImportJob> {
    const job = await this.dataSource.getRepository(ImportJobRecord).findOne({
      where: { id },
      select: {
        id: true,
        ownerId: true,
        status: true,
        fileName: true,
        totalRows: true,
        nextRow: true,
        createdCount: true,
        updatedCount: true,
        failedCount: true,
        errors: true,
        failure: true,
        createdAt: true,
        startedAt: true,
        finishedAt: true,
      },
    });
    if (!job || (job.ownerId !== caller.id && !can(caller, 'jobs:read-any'))) {
      throw notFound('CATALOG.JOB_NOT_FOUND', 'No job has this id.');
    }
    return toImportJobDto(job);
  }
}
