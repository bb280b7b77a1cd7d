import { Controller, Get, Param, ParseUUIDPipe } from '@nestjs/common';
import type { ImportJob } from '#atlas/contracts';
import { CurrentUser, RequirePermissions, type AuthenticatedUser } from '#atlas/security';
import { ImportJobsService } from './import-jobs.service.js';

@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly jobs: ImportJobsService) {}

  /** Status, progress and per-row errors of a background job (its owner, or an admin). */
  @RequirePermissions('jobs:read')
  @Get(':id')
  get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ImportJob> {
    return this.jobs.get(id, user);
  }
}
