import {
  Controller,
  Get,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Product } from '#atlas/contracts';
import { Public } from '#atlas/http';
import { RequirePermissions } from '#atlas/security';
import { readUploadedFile } from '../uploads/uploaded-file.js';
import { ProductImagesService } from './product-images.service.js';

export const IMAGE_MAX_BYTES = Symbol('IMAGE_MAX_BYTES');

const ImageQuery = z.object({
  v: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/)
    .optional(),
});

@Controller('v1/products/:id/image')
export class ProductImagesController {
  constructor(
    private readonly images: ProductImagesService,
    @Inject(IMAGE_MAX_BYTES) private readonly maxBytes: number,
  ) {}

  /** multipart/form-data with the image in a field named "file". */
  @RequirePermissions('products:write')
  @Post()
  async upload(
    @Param('id', ParseUUIDPipe) id: string,
    @Req() request: FastifyRequest,
  ): Promise<Product> {
    const file = await readUploadedFile(request, this.maxBytes, 'CATALOG.IMAGE_TOO_LARGE');
    return this.images.replace(id, file.bytes);
  }

  @Public()
  @Get()
  async serve(
    @Param('id', ParseUUIDPipe) id: string,
    @Query({ schema: ImageQuery }) query: z.infer<typeof ImageQuery>,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const image = await this.images.open(id);
    // The imageUrl names the image's hash (?v=): that URL never shows another image, so it
    // may be kept for good; without it, clients revalidate with the ETag.
    const current = query.v !== undefined && image.hash.startsWith(query.v) && query.v.length >= 16;
    await reply
      .header('content-type', image.contentType)
      .header('cache-control', current ? 'public, max-age=31536000, immutable' : 'no-cache')
      .header('etag', `"${image.hash}"`)
      .send(image.stream);
  }
}
