import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  type ApiBodyOptions,
  ApiConsumes,
  ApiOperation,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  CreateProductRequest,
  ImportJobAccepted,
  Product,
  ProductDeleted,
  ProductList,
  ProductQuery,
  UpdateProductRequest,
} from '#atlas/contracts';
import { Public } from '#atlas/http';
import { RequirePermissions } from '#atlas/security';
import { ApiJsonBody, ApiJsonResponse, ApiProblems } from '../docs/openapi.decorators.js';
import { MAX_UPLOAD_BYTES } from '../uploads/upload-streams.js';
import { UpstreamClient } from '../upstream/upstream.client.js';

const FILE_UPLOAD: ApiBodyOptions = {
  schema: {
    type: 'object',
    required: ['file'],
    properties: { file: { type: 'string', format: 'binary' } },
  },
};

@ApiTags('catalog')
@Controller('v1/products')
export class ProductsRoutes {
  constructor(private readonly upstream: UpstreamClient) {}

  @Public()
  @Get()
  @ApiOperation({ summary: 'List and search products (cached)' })
  @ApiQuery({ name: 'q', required: false, description: 'full-text search' })
  @ApiQuery({ name: 'page', required: false, schema: { type: 'integer', minimum: 1 } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: 100 },
  })
  @ApiJsonResponse(200, 'A page of products', ProductList)
  @ApiProblems(400)
  list(
    @Query({ schema: ProductQuery }) _query: ProductQuery,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply);
  }

  @Public()
  @Get(':id')
  @ApiOperation({ summary: 'One product (cached)' })
  @ApiJsonResponse(200, 'The product', Product)
  @ApiProblems(400, 404)
  get(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply);
  }

  @RequirePermissions('products:write')
  @Post()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add a product (catalog-manager or admin)' })
  @ApiJsonBody(CreateProductRequest)
  @ApiJsonResponse(201, 'The new product', Product)
  @ApiProblems(400, 401, 403, 409)
  create(
    @Body({ schema: CreateProductRequest }) body: CreateProductRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply, body);
  }

  @RequirePermissions('products:write')
  @Patch(':id')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change a product’s name, description, price, currency or stock' })
  @ApiJsonBody(UpdateProductRequest)
  @ApiJsonResponse(200, 'The product as it is now', Product)
  @ApiProblems(400, 401, 403, 404)
  update(
    @Param('id', ParseUUIDPipe) _id: string,
    @Body({ schema: UpdateProductRequest }) body: UpdateProductRequest,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply, body);
  }

  @RequirePermissions('products:write')
  @Delete(':id')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Delete a product: removed if never ordered, otherwise archived (hidden, kept)',
  })
  @ApiJsonResponse(200, 'What happened to it', ProductDeleted)
  @ApiProblems(400, 401, 403, 404)
  delete(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply);
  }

  @RequirePermissions('products:write')
  @Post(':id/image')
  @HttpCode(201)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Upload the product’s image: JPEG, PNG or WebP (by content), at most 5 MiB',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_UPLOAD)
  @ApiJsonResponse(201, 'The product, with its new imageUrl', Product)
  @ApiProblems(400, 401, 403, 404, 413, 415)
  uploadImage(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forwardUpload('catalog', request, reply, MAX_UPLOAD_BYTES);
  }

  @Public()
  @Get(':id/image')
  @ApiOperation({ summary: 'The product’s image (its imageUrl)' })
  @ApiResponse({
    status: 200,
    description: 'The image, as uploaded',
    content: Object.fromEntries(
      ['image/jpeg', 'image/png', 'image/webp'].map((type) => [
        type,
        { schema: { type: 'string', format: 'binary' } },
      ]),
    ),
  })
  @ApiProblems(400, 404)
  image(
    @Param('id', ParseUUIDPipe) _id: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.upstream.forward('catalog', request, reply);
  }

  @RequirePermissions('products:write')
  @Post('import')
  @HttpCode(202)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Import products from a CSV file, as a background job (follow it at its location)',
    description:
      'Columns: sku, name, description (optional), priceCents, currency, stock. Rows with a ' +
      'known SKU update that product; invalid rows are reported, one by one, on the job.',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(FILE_UPLOAD)
  @ApiJsonResponse(202, 'The job, and where to follow it', ImportJobAccepted)
  @ApiProblems(400, 401, 403, 413, 415)
  import(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    return this.upstream.forwardUpload('catalog', request, reply, MAX_UPLOAD_BYTES);
  }
}
