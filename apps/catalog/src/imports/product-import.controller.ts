import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ImportJobAccepted } from '#atlas/contracts';
import { CurrentUser, RequirePermissions, type AuthenticatedUser } from '#atlas/security';
import { readUploadedFile } from '../uploads/uploaded-file.js';
import { ImportJobsService } from './import-jobs.service.js';
import { MAX_IMPORT_BYTES } from './product-csv.js';

@Controller('v1/products/import')
export class ProductImportController {
  constructor(private readonly jobs: ImportJobsService) {}

  /** multipart/form-data, the CSV in a field named "file": 202 and where to follow the job. */
  @RequirePermissions('products:write')
  @Post()
  @HttpCode(202)
  async submit(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<ImportJobAccepted> {
    const file = await readUploadedFile(request, MAX_IMPORT_BYTES, 'CATALOG.IMPORT_TOO_LARGE');
    const accepted = await this.jobs.submit(user.id, file.fileName, file.bytes);
    void reply.header('location', accepted.location);
    return accepted;
  }
}
